"""Queueing messages in the outbox, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.notifications.models import OutboxMessage


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
    """Queue a message; with a ``dedupe_key`` already queued, do nothing and return None.

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
