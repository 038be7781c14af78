"""Where a reminder about assigned work goes: the officer, else the team's shared inbox."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.models import StaffUser, Team


async def assignee_email(
    session: AsyncSession, officer_id: int | None, team_id: int | None
) -> str | None:
    """The active officer's email, else the active team's inbox, else None."""
    if officer_id is not None:
        officer = await session.get(StaffUser, officer_id)
        if officer is not None and officer.is_active:
            return officer.email
    if team_id is not None:
        team = await session.get(Team, team_id)
        if team is not None and team.is_active and team.email:
            return team.email
    return None
