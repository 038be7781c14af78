"""Delivering queued outbox messages over SMTP.

Each row is claimed (``attempts`` bumped where it still holds the value read) before
it is sent, so two senders running at once do not both send it. Outcomes are stored
on the row; logs name the message id and kind only, never the recipient or body.

Some kinds are composed when they are sent, not when they are queued: a password
reset request (auth/reset.py) holds only the address, and its composer looks the
account up, issues the token and writes the email, or says to drop the request when
no active account has the address. That keeps the account lookup off the request
path and the token out of the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import delete, select, update

from pdms_core.auth.reset import RESET_REQUEST, compose_reset
from pdms_core.auth.tokens import now
from pdms_core.db.engine import Database
from pdms_core.errors import ConfigurationError
from pdms_core.notifications.models import OutboxMessage
from pdms_core.notifications.outbox import Outgoing
from pdms_core.settings import Settings

log = logging.getLogger("pdms.notifications")
MAX_ATTEMPTS = 5


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    #: Requests whose composer found nothing to send (e.g. a reset for no account).
    dropped: int = 0


Composer = Callable[[Database, Settings, str], Awaitable[Outgoing | None]]


async def _compose_reset(database: Database, settings: Settings, address: str) -> Outgoing | None:
    return await compose_reset(database.sessionmaker, settings, address)


#: Kinds composed at sending time, and their composers.
COMPOSERS: dict[str, Composer] = {RESET_REQUEST: _compose_reset}


def _send_one(settings: Settings, message: Outgoing) -> None:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(email)


async def send_pending(database: Database, settings: Settings, *, limit: int = 100) -> SendReport:
    """Send up to ``limit`` unsent messages that have not failed too often."""
    if not settings.smtp_host:
        raise ConfigurationError("set PDMS_SMTP_HOST (and PDMS_SMTP_PORT) to send mail")
    async with database.sessionmaker() as session:
        pending = list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )
    report = SendReport()
    for message in pending:
        if not await _claim(database, message):
            continue
        compose = COMPOSERS.get(message.kind)
        if compose is None:
            outgoing = Outgoing(message.recipient, message.subject, message.body)
        else:
            composed = await compose(database, settings, message.recipient)
            if composed is None:
                report.dropped += 1
                await _drop(database, message.id)
                continue
            outgoing = composed
        try:
            await asyncio.to_thread(_send_one, settings, outgoing)
        except (OSError, smtplib.SMTPException) as exc:
            report.failed += 1
            # The exception type and SMTP reply, never the message's content.
            error = f"{type(exc).__name__}: {exc}"[:500]
            await _record(database, message.id, sent=False, error=error)
            log.warning("outbox message %s (%s) failed: %s", message.id, message.kind, error)
        else:
            report.sent += 1
            await _record(database, message.id, sent=True, error=None)
            log.info("outbox message %s (%s) sent", message.id, message.kind)
    return report


async def _claim(database: Database, message: OutboxMessage) -> bool:
    async with database.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.attempts == message.attempts,
                OutboxMessage.sent_at.is_(None),
            )
            .values(attempts=OutboxMessage.attempts + 1)
        )
        return result.rowcount == 1


async def _drop(database: Database, message_id: int) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))


async def _record(database: Database, message_id: int, *, sent: bool, error: str | None) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(sent_at=now() if sent else None, last_error=error)
        )
