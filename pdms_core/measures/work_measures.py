"""Measures of the work: what system conditions cost, and where officers' time goes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.activities.models import Activity, Task
from pdms_core.cases.models import CaseRecord
from pdms_core.conditions.models import SystemCondition, SystemConditionEffect
from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.lookup_refs import LookupRef, lookup_refs, sort_label

CASES_AFFECTED, TIME_LOST = "cases_affected", "time_lost"


@dataclass(frozen=True)
class ConditionImpact:
    """What one type of system condition cost."""

    type: LookupRef
    #: Conditions of the type raised.
    occurrences: int
    #: Distinct cases the conditions held up.
    cases_affected: int
    #: Officer minutes lost, summed over the affected cases.
    minutes_lost: int


async def condition_impact(
    session: AsyncSession, f: MeasureFilter, rank_by: str = CASES_AFFECTED
) -> list[ConditionImpact]:
    """Condition types raised in the date range, ranked by distinct cases affected (or
    minutes lost), the other measure breaking ties, then label.

    Team and place filters apply to the affected cases, so with them a condition
    counts only when it affected a matching case.
    """
    effect = SystemConditionEffect
    rows = (
        await session.execute(
            select(
                SystemCondition.type_id,
                func.count(distinct(SystemCondition.id)),
                func.count(distinct(effect.case_id)),
                func.coalesce(func.sum(effect.minutes_lost), 0),
            )
            .outerjoin(effect, effect.condition_id == SystemCondition.id)
            .where(
                *f.on_dates(SystemCondition.raised_on),
                *f.on_module(SystemCondition.module),
                *f.on_case(effect.case_id),
            )
            .group_by(SystemCondition.type_id)
        )
    ).all()
    refs = await lookup_refs(session, [row[0] for row in rows])
    impacts = [
        ConditionImpact(refs[type_id], occurrences, cases, int(minutes))
        for type_id, occurrences, cases, minutes in rows
    ]
    if rank_by == TIME_LOST:
        impacts.sort(key=lambda c: (-c.minutes_lost, -c.cases_affected, sort_label(c.type)))
    else:
        impacts.sort(key=lambda c: (-c.cases_affected, -c.minutes_lost, sort_label(c.type)))
    return impacts


@dataclass(frozen=True)
class ActivityTime:
    """Time recorded against one task category."""

    category: LookupRef
    minutes: int
    tasks: int


async def activity_time(session: AsyncSession, f: MeasureFilter) -> list[ActivityTime]:
    """Minutes and tasks per task category for activities on days in the range (UTC),
    most minutes first."""
    rows = (
        await session.execute(
            select(Task.category_id, func.coalesce(func.sum(Task.minutes), 0), func.count(Task.id))
            .join(Activity, Activity.id == Task.activity_id)
            .join(CaseRecord, CaseRecord.id == Activity.case_id)
            .where(
                *f.on_times(Activity.occurred_at),
                *f.on_case_table(Activity.case_id, CaseRecord.module),
            )
            .group_by(Task.category_id)
        )
    ).all()
    refs = await lookup_refs(session, [row[0] for row in rows])
    times = [ActivityTime(refs[c], int(minutes), tasks) for c, minutes, tasks in rows]
    times.sort(key=lambda t: (-t.minutes, -t.tasks, sort_label(t.category)))
    return times
