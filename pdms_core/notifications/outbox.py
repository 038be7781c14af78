"""Queueing messages in the outbox, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.notifications.models import QUEUED, OutboxMessage
from pdms_core.notifications.validation import (
    InvalidNotification,
    check_channel,
    check_content,
    check_kind,
    check_personalisation,
    check_recipient,
)

__all__ = ["InvalidNotification", "Outgoing", "queue_message", "queue_notification"]


@dataclass(frozen=True)
class Outgoing:
    """An email as it is sent: for most rows their own fields; for a kind with a
    composer (sender.py), what the composer made at sending time."""

    recipient: str
    subject: str
    body: str


async def queue_message(
    session: AsyncSession,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue an email; with a ``dedupe_key`` already queued, do nothing and return None.

    The row commits (and is later sent) only if the caller's transaction commits.
    """
    if dedupe_key is not None:
        existing = await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return None
    message = OutboxMessage(
        kind=kind, recipient=recipient, subject=subject, body=body, dedupe_key=dedupe_key
    )
    session.add(message)
    await session.flush()
    return message


async def queue_notification(
    session: AsyncSession,
    *,
    kind: str,
    channel: str,
    recipient: str | Sequence[str],
    personalisation: Mapping[str, Any] | None = None,
    subject: str | None = None,
    body: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue an email, text message or letter in the caller's transaction.

    ``recipient`` is an email address (``channel="email"``), a UK mobile number
    (``"sms"``) or, for a ``"letter"``, the address as 3 to 7 lines, addressee first
    and a UK postcode last. ``personalisation`` fills the ((placeholders)) of the GOV.UK
    Notify template configured for ``kind`` and the channel (``PDMS_NOTIFY_TEMPLATES``);
    ``subject`` and ``body`` are sent to it as ((subject)) and ((body)) too, and are
    what an email sent over SMTP says (an email kind goes by Notify when a template is
    configured for it, else by SMTP). Texts and letters always go by Notify.

    With a ``dedupe_key`` already in the outbox nothing is queued and None is returned,
    also when another transaction queues the same key at the same moment. Bad input
    raises :class:`InvalidNotification` naming the argument (never repeating its value).

    Example, in a module's service::

        await queue_notification(
            session, kind="rent_arrears_reminder", channel="sms", recipient="07700 900123",
            personalisation={"reference": account.reference, "balance": "£120.50"},
            dedupe_key=f"rent_arrears:reminder:{account.id}:{today()}",
        )
    """
    kind = check_kind(kind)
    channel = check_channel(channel)
    if dedupe_key is not None and not (isinstance(dedupe_key, str) and 0 < len(dedupe_key) <= 200):
        raise InvalidNotification("A dedupe key is 1-200 characters.", field="dedupe_key")
    to, address_lines = check_recipient(channel, recipient)
    values = check_personalisation(channel, personalisation)
    subject_text, body_text = check_content(channel, subject, body, values)
    row = {
        "kind": kind,
        "channel": channel,
        "recipient": to[:320],
        "address_lines": address_lines,
        "personalisation": values,
        "subject": subject_text,
        "body": body_text,
        "dedupe_key": dedupe_key,
        "attempts": 0,
        "status": QUEUED,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # ON CONFLICT DO NOTHING: of two transactions queueing one key, one row wins and
    # the other is told it was already queued, instead of failing on the unique key.
    values_given = {key: value for key, value in row.items() if value is not None}
    statement = dialect.insert(OutboxMessage).values(**values_given).returning(OutboxMessage.id)
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    new_id = await session.scalar(statement)
    if new_id is None:
        return None
    return await session.get(OutboxMessage, new_id)
