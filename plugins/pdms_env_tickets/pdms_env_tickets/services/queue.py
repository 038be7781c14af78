"""A team's work queue: open tickets by deadline."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.models import Ticket


async def work_queue(session: AsyncSession, *, team_id: int, limit: int) -> list[Ticket]:
    """Open tickets of the team, soonest deadline first; without a deadline last, oldest first."""
    return list(
        await session.scalars(
            select(Ticket)
            .where(Ticket.team_id == team_id, Ticket.is_open.is_(True))
            .order_by(Ticket.due_on.is_(None), Ticket.due_on, Ticket.reported_at, Ticket.id)
            .limit(limit)
        )
    )
