"""Which intentions are overdue or due soon, and reminding their assignees.

"Due soon" means due within the next ``days`` working days (today included), so a
Friday's look-ahead of 1 covers Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.cases.models import CaseRecord
from pdms_core.intentions.models import OPEN, Intention
from pdms_core.records import CORE
from pdms_core.standards.working_days import add_working_days

OVERDUE = "overdue"
DUE_SOON = "due_soon"


@dataclass(frozen=True)
class IntentionFilter:
    """Narrowing of the intentions list; every criterion given must hold."""

    due: str | None = None
    status: str | None = OPEN
    officer_id: int | None = None
    team_id: int | None = None
    case_id: int | None = None
    person_id: int | None = None
    place_id: int | None = None
    module: str | None = None
    as_of: date | None = None
    due_soon_days: int = 2


def due_window(as_of: date, due: str | None, days: int) -> tuple[date | None, date | None]:
    """(earliest, latest) due date for the ``due`` criterion (bounds inclusive)."""
    if due == OVERDUE:
        return None, date.fromordinal(as_of.toordinal() - 1)
    if due == DUE_SOON:
        return as_of, add_working_days(as_of, days)
    return None, None


def intentions_statement(criteria: IntentionFilter, as_of: date) -> Select[Any]:
    statement = select(Intention)
    if criteria.status is not None:
        statement = statement.where(Intention.status == criteria.status)
    if criteria.due is not None:
        statement = statement.where(Intention.status == OPEN)
    earliest, latest = due_window(as_of, criteria.due, criteria.due_soon_days)
    if earliest is not None:
        statement = statement.where(Intention.due_on >= earliest)
    if latest is not None:
        statement = statement.where(Intention.due_on <= latest)
    for column, value in (
        (Intention.officer_id, criteria.officer_id),
        (Intention.team_id, criteria.team_id),
        (Intention.case_id, criteria.case_id),
        (Intention.person_id, criteria.person_id),
        (Intention.place_id, criteria.place_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if criteria.module is not None:
        of_module = Intention.case_id.in_(
            select(CaseRecord.id).where(CaseRecord.module == criteria.module)
        )
        if criteria.module == CORE:
            of_module = or_(of_module, Intention.case_id.is_(None))
        statement = statement.where(of_module)
    return statement


async def open_intentions_due_by(session: AsyncSession, latest: date) -> list[Intention]:
    return list(
        await session.scalars(
            select(Intention)
            .where(Intention.status == OPEN, Intention.due_on <= latest)
            .order_by(Intention.due_on, Intention.id)
        )
    )
