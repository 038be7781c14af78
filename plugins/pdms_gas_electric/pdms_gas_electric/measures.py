"""Measures (the ``pdms_measures`` hook) and the home lists they drill down to.

Every figure is computed in SQL in a fixed number of statements, whatever the number of
homes. The measurement date is the filter's ``date_to`` (default today); the other filter
criteria (teams, wards, postcode areas, modules) are not applied: servicing records are
not cases. Each row names the ``status`` that ``gasElectricHomeList(status:)`` lists.

BS01, as implemented: the homes that require a gas safety check are those with a live
supply and at least one landlord-owned appliance in use (tenant-owned and removed
appliances do not count; communal plant counts when it is recorded as an appliance of the
home); a home's check is in date on the measurement date when a record with a check date
on or before it sets a deadline on or after it. The base is the homes' current state.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pdms_core.plugin import (
    MeasureColumn,
    MeasureFilter,
    MeasureSpec,
    MeasureTable,
    core_tables,
    today,
)
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.models import Eicr, GasCheck, Home, Job, JobMove

LOOKUP_VALUE = core_tables.lookup_value
BANDS = ((30, "GAS_DUE_30"), (60, "GAS_DUE_60"), (90, "GAS_DUE_90"))


def measured_on(measure_filter: MeasureFilter | None) -> date:
    return (measure_filter.date_to if measure_filter else None) or today()


def gas_valid_on(on: date) -> Any:
    """SQL: the home has a gas safety record in date on ``on``.

    From today on, the home's own deadline answers (deadlines only move later along a
    home's chain, and no check is dated in the future): one indexed column instead of a
    probe of the records per home. Before today the records say what was in date then.
    """
    if on >= today():
        return and_(Home.gas_due_on.is_not(None), Home.gas_due_on >= on)
    return exists().where(
        GasCheck.home_id == Home.id, GasCheck.checked_on <= on, GasCheck.next_due_on >= on
    )


def eicr_valid_on(on: date) -> Any:
    return exists().where(Eicr.home_id == Home.id, Eicr.inspected_on <= on, Eicr.next_due_on >= on)


def status_condition(status: str, on: date) -> Any:
    """SQL condition on ``gas_electric_home`` for one drill-down status."""
    needs = Home.needs_gas_check
    due = Home.gas_due_on
    conditions = {
        "GAS_NEEDS_CHECK": needs,
        "GAS_VALID": and_(needs, gas_valid_on(on)),
        "GAS_NOT_VALID": and_(needs, ~gas_valid_on(on)),
        "GAS_OVERDUE": and_(needs, or_(due.is_(None), due < on)),
        "EICR_VALID": eicr_valid_on(on),
        "EICR_NOT_VALID": ~eicr_valid_on(on),
        "EICR_OVERDUE": Home.eicr_due_on < on,
        "EICR_MISSING": Home.eicr_due_on.is_(None),
        "EICR_REMEDIAL_OVERDUE": exists().where(
            Eicr.home_id == Home.id,
            Eicr.remedial_due_on < on,
            Eicr.remedials_completed_on.is_(None),
        ),
    }
    low = 0
    for days, name in BANDS:
        conditions[name] = and_(
            needs, due >= on + timedelta(days=low), due <= on + timedelta(days=days)
        )
        low = days + 1
    return conditions[status]


#: Sorts before every real date: a home never checked is the most overdue of all.
NEVER = date(1, 1, 1)


def status_deadline(status: str) -> Any:
    """The deadline a drill-down list goes by (soonest first): a home column, or for
    EICR_REMEDIAL_OVERDUE the oldest unremedied remedial deadline."""
    if status == "EICR_REMEDIAL_OVERDUE":
        return (
            select(func.min(Eicr.remedial_due_on))
            .where(Eicr.home_id == Home.id, Eicr.remedials_completed_on.is_(None))
            .scalar_subquery()
        )
    return Home.eicr_due_on if status.startswith("EICR_") else Home.gas_due_on


STATUSES = (
    "GAS_NEEDS_CHECK",
    "GAS_VALID",
    "GAS_NOT_VALID",
    "GAS_OVERDUE",
    "GAS_DUE_30",
    "GAS_DUE_60",
    "GAS_DUE_90",
    "EICR_VALID",
    "EICR_NOT_VALID",
    "EICR_OVERDUE",
    "EICR_MISSING",
    "EICR_REMEDIAL_OVERDUE",
)


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


async def bs01(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    on = measured_on(measure_filter)
    base, valid = (
        await session.execute(
            select(
                func.count(),
                func.count(case((gas_valid_on(on), 1))),
            ).where(Home.needs_gas_check)
        )
    ).one()
    return _ratio_table(on, "GAS_VALID", "GAS_NEEDS_CHECK", valid, base)


async def electrical_valid(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    on = measured_on(measure_filter)
    base, valid = (
        await session.execute(select(func.count(), func.count(case((eicr_valid_on(on), 1)))))
    ).one()
    return _ratio_table(on, "EICR_VALID", "EICR_NOT_VALID", valid, base)


def _ratio_table(on: date, valid_status: str, base_status: str, valid: int, base: int):
    return MeasureTable(
        columns=(
            MeasureColumn("measured_on", "Measured on", "date"),
            MeasureColumn("homes", "Homes requiring a check", "integer"),
            MeasureColumn("valid", "Homes with a check in date", "integer"),
            MeasureColumn("percent", "Percentage in date", "number"),
            MeasureColumn("valid_status", "Drill down (in date)"),
            MeasureColumn("base_status", "Drill down (base / not in date)"),
        ),
        rows=((on, base, valid, _share(valid, base), valid_status, base_status),),
    )


async def gas_due(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    on = measured_on(measure_filter)
    names = ("GAS_OVERDUE", *(name for _, name in BANDS))
    counts = (
        await session.execute(
            select(*(func.count(case((status_condition(n, on), 1))) for n in names))
        )
    ).one()
    labels = {
        "GAS_OVERDUE": "Overdue",
        "GAS_DUE_30": "Due within 30 days",
        "GAS_DUE_60": "Due in 31 to 60 days",
        "GAS_DUE_90": "Due in 61 to 90 days",
    }
    return MeasureTable(
        columns=(
            MeasureColumn("status", "Drill down"),
            MeasureColumn("band", "Band"),
            MeasureColumn("homes", "Homes", "integer"),
        ),
        rows=tuple((n, labels[n], count) for n, count in zip(names, counts, strict=True)),
    )


async def jobs_by_stage(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    rows = await session.execute(
        select(Job.kind, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label, func.count(Job.id))
        .join(LOOKUP_VALUE, LOOKUP_VALUE.c.id == Job.stage_id)
        .where(Job.closed_on.is_(None))
        .group_by(Job.kind, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label, LOOKUP_VALUE.c.sort_order)
        .order_by(Job.kind, LOOKUP_VALUE.c.sort_order, LOOKUP_VALUE.c.code)
    )
    return MeasureTable(
        columns=(
            MeasureColumn("kind", "Job kind"),
            MeasureColumn("stage_code", "Stage code"),
            MeasureColumn("stage", "Stage"),
            MeasureColumn("open_jobs", "Open jobs", "integer"),
        ),
        rows=tuple(tuple(row) for row in rows),
    )


async def access(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    """Jobs opened in the date range: the share with a no-access visit, and the average days
    from opening to access (the first move to an outcome stage that does not close the job,
    e.g. serviced, dated by its visit or else by the move)."""
    from pdms_gas_electric.jobs import STAGE_LISTS, stages

    reached = [
        s.id
        for kind in STAGE_LISTS
        for s in await stages(session, kind)
        if s.outcome and not s.closes
    ]
    first_access = (
        select(
            JobMove.job_id,
            func.min(func.coalesce(JobMove.visit_on, func.date(JobMove.moved_at))).label("on"),
        )
        .where(JobMove.to_stage_id.in_(reached))
        .group_by(JobMove.job_id)
        .subquery()
    )
    statement = select(Job.kind, Job.opened_on, Job.no_access_count, first_access.c.on).outerjoin(
        first_access, first_access.c.job_id == Job.id
    )
    if measure_filter.date_from:
        statement = statement.where(Job.opened_on >= measure_filter.date_from)
    if measure_filter.date_to:
        statement = statement.where(Job.opened_on <= measure_filter.date_to)
    totals: dict[str, list[Any]] = {}
    for kind, opened_on, no_access, access_on in await session.execute(statement):
        row = totals.setdefault(kind, [0, 0, []])
        row[0] += 1
        row[1] += no_access > 0
        if access_on is not None:
            day = access_on if isinstance(access_on, date) else date.fromisoformat(str(access_on))
            row[2].append((day - opened_on).days)
    return MeasureTable(
        columns=(
            MeasureColumn("kind", "Job kind"),
            MeasureColumn("jobs", "Jobs opened", "integer"),
            MeasureColumn("no_access_jobs", "Jobs with a no-access visit", "integer"),
            MeasureColumn("no_access_rate", "No-access rate (%)", "number"),
            MeasureColumn("accessed_jobs", "Jobs that gained access", "integer"),
            MeasureColumn("average_days_to_access", "Average days to gain access", "number"),
        ),
        rows=tuple(
            (
                kind,
                jobs,
                hit,
                _share(hit, jobs),
                len(days),
                round(sum(days) / len(days), 1) if days else None,
            )
            for kind, (jobs, hit, days) in sorted(totals.items())
        ),
    )


async def jobs_by_contractor(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    rows = await session.execute(
        select(Job.kind, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label, func.count(Job.id))
        .outerjoin(LOOKUP_VALUE, LOOKUP_VALUE.c.id == Job.contractor_id)
        .where(Job.closed_on.is_(None))
        .group_by(Job.kind, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label)
        .order_by(Job.kind, LOOKUP_VALUE.c.code.is_(None), LOOKUP_VALUE.c.code)
    )
    return MeasureTable(
        columns=(
            MeasureColumn("kind", "Job kind"),
            MeasureColumn("contractor_code", "Contractor code"),
            MeasureColumn("contractor", "Contractor"),
            MeasureColumn("open_jobs", "Open jobs", "integer"),
        ),
        rows=tuple(tuple(row) for row in rows),
    )


async def remedials_overdue(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    on = measured_on(measure_filter)
    count = await session.scalar(
        select(func.count()).select_from(Home).where(status_condition("EICR_REMEDIAL_OVERDUE", on))
    )
    return MeasureTable(
        columns=(
            MeasureColumn("measured_on", "Measured on", "date"),
            MeasureColumn("homes", "Homes with electrical remedials past deadline", "integer"),
            MeasureColumn("status", "Drill down"),
        ),
        rows=((on, count or 0, "EICR_REMEDIAL_OVERDUE"),),
    )


def measure_specs() -> list[MeasureSpec]:
    return [
        MeasureSpec(
            name="gas_electric.bs01",
            title="BS01: homes with a valid gas safety check",
            description="Homes that require a gas safety check (live supply, a landlord "
            "appliance in use) with one in date on the measurement date (date_to, default "
            "today), as a share of those homes.",
            compute=bs01,
        ),
        MeasureSpec(
            name="gas_electric.electrical_valid",
            title="Homes with a valid electrical inspection",
            description="Homes with an EICR in date on the measurement date, as a share of "
            "all homes with a servicing record.",
            compute=electrical_valid,
        ),
        MeasureSpec(
            name="gas_electric.gas_due",
            title="Gas checks overdue and falling due",
            description="Homes needing a gas check: overdue, and due within 30, 31-60 and "
            "61-90 days of the measurement date.",
            compute=gas_due,
        ),
        MeasureSpec(
            name="gas_electric.jobs_by_stage",
            title="Open servicing jobs by stage",
            description="Open gas and electrical servicing jobs at each stage.",
            compute=jobs_by_stage,
        ),
        MeasureSpec(
            name="gas_electric.jobs_by_contractor",
            title="Open servicing jobs by contractor",
            description="Open gas and electrical servicing jobs per contractor (none: not "
            "yet given to one).",
            compute=jobs_by_contractor,
        ),
        MeasureSpec(
            name="gas_electric.access",
            title="No-access rate and days to gain access",
            description="Servicing jobs opened in the date range: the share that had at least "
            "one no-access visit, and the average days from opening to gaining access (the "
            "first move to an outcome stage that does not close the job, such as serviced).",
            compute=access,
        ),
        MeasureSpec(
            name="gas_electric.remedials_overdue",
            title="Electrical remedials past deadline",
            description="Homes with an unsatisfactory EICR whose remedial work is not recorded "
            "as done by its deadline.",
            compute=remedials_overdue,
        ),
    ]
