"""The outbox table.

A message is queued in the same transaction as the change that causes it, so it is
sent exactly when the change commits; a sender delivers queued rows afterwards and
records the outcome. ``dedupe_key`` makes queueing idempotent: a scheduled job that
runs twice queues each reminder once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime


class OutboxMessage(Base):
    """One email (or other message) waiting to be sent, or sent."""

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: What caused it, e.g. ``intention_overdue`` or ``password_reset``.
    kind: Mapped[str] = mapped_column(String(60), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last delivery failure, without the message's content.
    last_error: Mapped[str | None] = mapped_column(String(500))
