"""Strategic measures (``pdms_measures``) of member enquiries.

Criteria honoured: the date range (on submission), modules (this module's, or none
when the filter names others) and the team and place criteria through the enquiry's
case. The time bucket is not used.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from pdms_core.plugin import MeasureColumn, MeasureFilter, MeasureSpec, MeasureTable, core_tables
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.lists import MODULE
from pdms_member_portal.models import Enquiry

VALUE = core_tables.lookup_value
REPEAT_WINDOW = timedelta(days=90)


def _where(f: MeasureFilter) -> list[Any]:
    clauses = [*f.on_times(Enquiry.submitted_at), *f.on_case(Enquiry.case_id)]
    if f.modules and MODULE not in f.modules:
        clauses.append(Enquiry.id.is_(None))
    return clauses


def _directorate(data: Any) -> str:
    return str((data or {}).get("directorate") or "")


async def volume_by_service_area(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    # Grouped by id, then labelled: PostgreSQL cannot group on a JSON column.
    counted = (
        select(Enquiry.service_area_id.label("area_id"), func.count().label("n"))
        .where(*_where(f))
        .group_by(Enquiry.service_area_id)
        .subquery()
    )
    rows = await session.execute(
        select(VALUE.c.label, VALUE.c.data, counted.c.n).join(
            counted, counted.c.area_id == VALUE.c.id
        )
    )
    found = sorted((_directorate(data), label, n) for label, data, n in rows)
    return MeasureTable(
        columns=(
            MeasureColumn("directorate", "Directorate"),
            MeasureColumn("service_area", "Service area"),
            MeasureColumn("enquiries", "Enquiries", "integer"),
        ),
        rows=tuple(found),
    )


def _percentile(values: list[int], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return round(cuts[int(share * 100) - 1], 1)


async def response_times(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    rows = await session.execute(
        select(VALUE.c.label, Enquiry.response_working_days, Enquiry.responded_on, Enquiry.due_on)
        .join(VALUE, VALUE.c.id == Enquiry.service_area_id)
        .where(*_where(f), Enquiry.responded_on.is_not(None))
    )
    days: dict[str, list[int]] = defaultdict(list)
    within: Counter[str] = Counter()
    for label, taken, responded_on, due_on in rows:
        days[label].append(taken)
        within[label] += responded_on <= due_on
    return MeasureTable(
        columns=(
            MeasureColumn("service_area", "Service area"),
            MeasureColumn("responded", "Enquiries responded to", "integer"),
            MeasureColumn("within_standard_pct", "% responded within standard", "number"),
            MeasureColumn("median_days", "Median working days to respond", "number"),
            MeasureColumn("p90_days", "90th percentile working days to respond", "number"),
        ),
        rows=tuple(
            (
                label,
                len(taken),
                round(100 * within[label] / len(taken), 1),
                float(statistics.median(taken)),
                _percentile(taken, 0.9),
            )
            for label, taken in sorted(days.items())
        ),
    )


async def repeat_enquiries(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    """Enquiries about a resident or place that had one in the same service area in the
    previous 90 days, and members' update requests (failure demand)."""
    rows = await session.execute(
        select(
            VALUE.c.label,
            Enquiry.person_id,
            Enquiry.place_id,
            Enquiry.submitted_at,
            Enquiry.update_requests,
        )
        .join(VALUE, VALUE.c.id == Enquiry.service_area_id)
        .where(*_where(f))
        .order_by(Enquiry.submitted_at, Enquiry.id)
    )
    last: dict[tuple[str, str, int], Any] = {}
    totals: Counter[str] = Counter()
    repeats: Counter[str] = Counter()
    chasers: Counter[str] = Counter()
    for label, person_id, place_id, at, requests in rows:
        totals[label] += 1
        chasers[label] += requests
        keys = [(label, "person", person_id), (label, "place", place_id)]
        keys = [key for key in keys if key[2] is not None]
        if any(key in last and at - last[key] <= REPEAT_WINDOW for key in keys):
            repeats[label] += 1
        for key in keys:
            last[key] = at
    return MeasureTable(
        columns=(
            MeasureColumn("service_area", "Service area"),
            MeasureColumn("enquiries", "Enquiries", "integer"),
            MeasureColumn("repeat_enquiries", "Repeat enquiries (90 days)", "integer"),
            MeasureColumn("update_requests", "Update requests (failure demand)", "integer"),
        ),
        rows=tuple(
            (label, n, repeats[label], chasers[label]) for label, n in sorted(totals.items())
        ),
    )


def measures() -> list[MeasureSpec]:
    return [
        MeasureSpec(
            "member_portal.volume_by_service_area",
            "Member enquiries by service area",
            "Enquiries submitted in the range, by directorate and service area.",
            volume_by_service_area,
        ),
        MeasureSpec(
            "member_portal.response_times",
            "Member enquiry response times",
            "Enquiries submitted in the range and responded to, by service area: the share "
            "responded to within the area's standard, and the median and 90th percentile "
            "working days to the first response.",
            response_times,
        ),
        MeasureSpec(
            "member_portal.repeat_enquiries",
            "Repeat member enquiries",
            "Enquiries submitted in the range about a resident or place with another in the "
            "same service area in the previous 90 days, and members' update requests.",
            repeat_enquiries,
        ),
    ]
