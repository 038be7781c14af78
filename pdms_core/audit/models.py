"""The append-only audit table.

Rows record who (user or API key), when, the action, which record and from which
IP; never the values read or written. The ORM refuses updates and deletes of audit
rows; PostgreSQL installations can additionally revoke UPDATE/DELETE from the
application role.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime


class AuditEvent(Base):
    """One audited action: a mutation, a sign-in, or a read of a person's record."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    #: ``user``, ``api_key``, ``anonymous`` or ``system``.
    actor_kind: Mapped[str] = mapped_column(String(20))
    #: ``user:12``, ``apikey:3`` ... (null for anonymous callers).
    actor_id: Mapped[str | None] = mapped_column(String(100), index=True)
    #: ``read`` for record reads, else the mutation's name (``updatePerson``).
    action: Mapped[str] = mapped_column(String(100))
    #: ``ok``, ``rejected`` (typed errors), ``denied`` or ``error``.
    outcome: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[str | None] = mapped_column(String(60))
    ip: Mapped[str | None] = mapped_column(String(64))


def _refuse(*_args: object) -> None:
    raise RuntimeError("audit events are append-only")


event.listen(AuditEvent, "before_update", _refuse)
event.listen(AuditEvent, "before_delete", _refuse)
