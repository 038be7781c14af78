"""Deriving a week's segments from the week before, and re-deriving later weeks.

Reports normally arrive in date order, but a replaced or back-filled week (or a week
newly marked rent-free) changes what every later week was compared with, so those
weeks are derived again in date order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import Actor, NotFound, chunks
from pdms_rent_arrears.models import AccountWeek, RentFreeWeek, ReportImport
from pdms_rent_arrears.segments import Previous, derive

WEEK = AccountWeek.__table__


async def is_rent_free(session: AsyncSession, report_date: date) -> bool:
    found = await session.scalar(
        select(RentFreeWeek.id).where(RentFreeWeek.week_date == report_date)
    )
    return found is not None


async def previous_states(
    session: AsyncSession, report_date: date, account_ids: Sequence[int]
) -> dict[int, Previous]:
    """Each account's state from the report before ``report_date`` (or earlier history)."""
    before = await session.scalar(
        select(func.max(ReportImport.report_date)).where(ReportImport.report_date < report_date)
    )
    if before is None:
        return {}
    states = {
        row.account_id: Previous(
            balance_pence=row.balance_pence,
            segment=row.segment,
            weeks_in_arrears_run=row.weeks_in_arrears_run,
            trend_weeks=row.trend_weeks,
            ever_in_arrears=row.ever_in_arrears,
            last_week=True,
        )
        for row in await session.execute(
            select(
                WEEK.c.account_id,
                WEEK.c.balance_pence,
                WEEK.c.segment,
                WEEK.c.weeks_in_arrears_run,
                WEEK.c.trend_weeks,
                WEEK.c.ever_in_arrears,
            ).where(WEEK.c.report_date == before)
        )
    }
    # Accounts missing from last week's report: only whether they were ever in arrears.
    absent = [a for a in account_ids if a not in states]
    for part in chunks(absent):
        for (account_id,) in await session.execute(
            select(WEEK.c.account_id)
            .where(WEEK.c.report_date < before, WEEK.c.ever_in_arrears)
            .where(WEEK.c.account_id.in_(part))
            .distinct()
        ):
            states[account_id] = Previous(0, None, 0, 0, True, last_week=False)
    return states


async def rederive_week(session: AsyncSession, report_date: date) -> None:
    rows = list(
        await session.execute(
            select(
                WEEK.c.id, WEEK.c.account_id, WEEK.c.balance_pence, WEEK.c.weekly_rent_pence
            ).where(WEEK.c.report_date == report_date)
        )
    )
    previous = await previous_states(session, report_date, [r.account_id for r in rows])
    rent_free = await is_rent_free(session, report_date)
    values = []
    for r in rows:
        d = derive(previous.get(r.account_id), r.balance_pence, r.weekly_rent_pence, rent_free)
        values.append(
            {
                "_id": r.id,
                "_segment": d.segment,
                "_weeks": d.weeks_in_arrears,
                "_band": d.band,
                "_run": d.weeks_in_arrears_run,
                "_trend": d.trend_weeks,
                "_ever": d.ever_in_arrears,
                "_rent_free": rent_free,
            }
        )
    if values:
        await session.execute(
            update(WEEK)
            .where(WEEK.c.id == bindparam("_id"))
            .values(
                segment=bindparam("_segment"),
                weeks_in_arrears=bindparam("_weeks"),
                band=bindparam("_band"),
                weeks_in_arrears_run=bindparam("_run"),
                trend_weeks=bindparam("_trend"),
                ever_in_arrears=bindparam("_ever"),
                rent_free=bindparam("_rent_free"),
            ),
            values,
        )


async def rederive_after(
    session: AsyncSession, report_date: date, *, inclusive: bool = False
) -> list[date]:
    """Derive again every week after ``report_date`` (and that week, if ``inclusive``);
    the report dates derived again, in order."""
    condition = (
        ReportImport.report_date >= report_date
        if inclusive
        else ReportImport.report_date > report_date
    )
    later = await session.scalars(
        select(ReportImport.report_date).where(condition).order_by(ReportImport.report_date)
    )
    weeks = list(later)
    for week in weeks:
        await rederive_week(session, week)
    return weeks


@dataclass
class RemovedWeek:
    report: ReportImport
    rederived: list[date]

    @property
    def audit_target(self) -> ReportImport:
        return self.report


async def remove_week(session: AsyncSession, actor: Actor, report_date: date) -> RemovedWeek:
    """Remove a wrongly imported week (its lines and import) and derive later weeks again.

    Accounts the week created stay: they are linked, assigned or named by other weeks
    soon enough, and removing them would undo an officer's work on them.
    """
    report = await session.scalar(
        select(ReportImport).where(ReportImport.report_date == report_date)
    )
    if report is None:
        raise NotFound(f"No report of {report_date.isoformat()} is imported.", field="reportDate")
    await session.execute(delete(WEEK).where(WEEK.c.report_date == report_date))
    await session.delete(report)
    await session.flush()
    return RemovedWeek(report, await rederive_after(session, report_date))
