"""Pausing a case while it waits on the customer: the service-standard clock stops.

When the case resumes, every unresolved demand's due and warning dates move on by the
working days the pause covered (counted from when each demand arrived), and so does
the case's own due date.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from pdms_core.cases.models import CasePause, CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.errors import NotAllowed, ValidationFailed
from pdms_core.standards.working_days import add_working_days, working_days_between

MAX_REASON = 500


async def start_pause(
    session: AsyncSession, case: CaseRecord, from_date: date, reason: str
) -> CasePause:
    if case.closed_on is not None:
        raise NotAllowed("A closed case cannot be paused.", field="caseId")
    if case.paused_since is not None:
        raise NotAllowed("The case is already paused.", field="caseId")
    if from_date < case.opened_on:
        raise ValidationFailed("A pause cannot start before the case opened.", field="fromDate")
    if len(reason.strip()) > MAX_REASON:
        raise ValidationFailed(f"At most {MAX_REASON} characters.", field="reason")
    pause = CasePause(case_id=case.id, from_date=from_date, reason=reason.strip(), is_open=True)
    session.add(pause)
    await write_case_columns(session, case, paused_since=from_date)
    return pause


async def end_pause(session: AsyncSession, case: CaseRecord, to_date: date) -> CasePause:
    if case.paused_since is None:
        raise NotAllowed("The case is not paused.", field="caseId")
    if to_date < case.paused_since:
        raise ValidationFailed("A pause cannot end before it started.", field="toDate")
    pause = await session.scalar(
        select(CasePause).where(CasePause.case_id == case.id, CasePause.is_open)
    )
    pause.to_date, pause.is_open = to_date, False
    await _extend_due_dates(session, case, pause.from_date, to_date)
    await write_case_columns(session, case, paused_since=None)
    return pause


async def _extend_due_dates(
    session: AsyncSession, case: CaseRecord, start: date, end: date
) -> None:
    demands = await session.scalars(
        select(Demand).where(
            Demand.case_id == case.id, Demand.resolved_on.is_(None), Demand.due_on.is_not(None)
        )
    )
    for demand in demands:
        lost = working_days_between(max(start, demand.received_on), end)
        demand.due_on = add_working_days(demand.due_on, lost)
        if demand.warn_on is not None:
            demand.warn_on = add_working_days(demand.warn_on, lost)
    await session.flush()
    await refresh_case_due(session, case)


async def refresh_case_due(session: AsyncSession, case: CaseRecord) -> None:
    """A case is due when the last of its demands is due."""
    due_on = await session.scalar(select(func.max(Demand.due_on)).where(Demand.case_id == case.id))
    await write_case_columns(session, case, due_on=due_on)


async def write_case_columns(session: AsyncSession, case: CaseRecord, **values: object) -> None:
    """Store derived columns of a case whose version the edit has already claimed.

    A plain ORM change would bump the version a second time in the same edit; this
    writes the columns without touching the version and keeps the object in step.
    """
    await session.flush()
    await session.execute(
        update(CaseRecord)
        .where(CaseRecord.id == case.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    for name, value in values.items():
        set_committed_value(case, name, value)
