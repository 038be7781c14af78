"""A ticket's history: every change and note, in order."""

from __future__ import annotations

from datetime import UTC, datetime

from pdms_core.plugin import Actor
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.models import Ticket, TicketEvent

NOTE_LENGTH = 4000


def now() -> datetime:
    return datetime.now(UTC)


def record(
    session: AsyncSession,
    actor: Actor,
    ticket: Ticket,
    kind: str,
    *,
    old: str = "",
    new: str = "",
    note: str = "",
    public: bool = False,
    at: datetime | None = None,
) -> TicketEvent:
    """Add one history line; the caller flushes with the change it describes."""
    event = TicketEvent(
        ticket_id=ticket.id,
        at=at or now(),
        kind=kind,
        actor_name=actor.display_name[:200],
        old_value=old[:200],
        new_value=new[:200],
        note=note,
        public=public,
        status_id=ticket.status_id,
    )
    session.add(event)
    return event
