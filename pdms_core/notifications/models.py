"""The outbox table.

A message is queued in the same transaction as the change that causes it, so it is
sent exactly when the change commits; a sender delivers queued rows afterwards and
records the outcome. ``dedupe_key`` makes queueing idempotent: a scheduled job that
runs twice queues each reminder once.

A row is an email, a text message (SMS) or a letter (``channel``), delivered over SMTP
or by GOV.UK Notify (``provider``, fixed when the row is first claimed). Its
``status`` moves ``queued`` -> ``sending`` (claimed by one sender) -> ``sent`` (handed
over), and for Notify on to what Notify reports (``delivered``, ``permanent-failure``
...); ``failed`` is a message PDMS gave up on. See docs/notifications.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime

EMAIL, SMS, LETTER = "email", "sms", "letter"
CHANNELS = (EMAIL, SMS, LETTER)
SMTP, NOTIFY = "smtp", "notify"

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
PERMANENT_FAILURE = "permanent-failure"
TEMPORARY_FAILURE = "temporary-failure"
TECHNICAL_FAILURE = "technical-failure"
FAILED = "failed"
#: Statuses after which nothing more happens to a row (no send, no status refresh).
FINAL = (DELIVERED, PERMANENT_FAILURE, TEMPORARY_FAILURE, TECHNICAL_FAILURE, FAILED)


class OutboxMessage(Base):
    """One email, text message or letter waiting to be sent, or sent."""

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: What caused it, e.g. ``intention_overdue`` or ``password_reset_request``.
    kind: Mapped[str] = mapped_column(String(60), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: An email address, a mobile number (+44...), or a letter's first address line.
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last delivery failure, without the message's content.
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: ``email``, ``sms`` or ``letter``.
    channel: Mapped[str] = mapped_column(String(10), default=EMAIL, server_default=EMAIL)
    #: ``smtp`` or ``notify``; None until a sender first claims the row.
    provider: Mapped[str | None] = mapped_column(String(10))
    #: Values for a Notify template's ((placeholders)).
    personalisation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: A letter's address, addressee first and postcode last (3 to 7 lines).
    address_lines: Mapped[list[str] | None] = mapped_column(JSON)
    #: Notify's id of the notification, recorded before the row is marked sent.
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    #: The status as Notify last reported it (``created``, ``delivered``, ``received`` ...).
    provider_status: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(
        String(20), default=QUEUED, server_default=QUEUED, index=True
    )
    #: Queued rows: not before this time (back-off). Sending rows: when the claim lapses.
    #: Sent Notify rows: when ``pdms notifications status`` last asked about them.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def notify_reference(self) -> str:
        """Our reference for Notify: stable for the row, so a sender that does not know
        whether Notify accepted the row can ask Notify (``reference=...``)."""
        return f"pdms-{self.id}-{int(self.created_at.timestamp())}"
