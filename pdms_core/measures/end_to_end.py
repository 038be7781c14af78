"""End-to-end time per demand type: capability (percentiles) and a control chart.

End-to-end time is the customer's view: calendar days from the day a demand was
received to the day it was resolved, pauses included. Demands (presenting and
underlying) resolved in the date range count. Without the chart, the query reads two
integers per resolved demand (type and days, subtracted in SQL); with it, five narrow
columns in chart order. The statistics are computed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.cases.models import CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.lookup_refs import LookupRef, lookup_refs, sort_label
from pdms_core.measures.stats import XmrLimits, moving_ranges, nearest_rank, xmr_limits

PERCENTILES = (50, 80, 95)


@dataclass(frozen=True)
class ChartPoint:
    """One resolved demand on the control chart."""

    demand_id: int
    case_reference: str
    received_on: date
    resolved_on: date
    days: int
    #: |days - previous point's days|; None for the first point.
    moving_range: int | None


@dataclass(frozen=True)
class EndToEnd:
    """Capability of one demand type."""

    type: LookupRef
    count: int
    #: Nearest-rank percentiles of days (50th, 80th, 95th).
    p50: int
    p80: int
    p95: int
    mean: float
    #: Points in resolution order (resolved date, then demand id).
    points: list[ChartPoint]
    limits: XmrLimits


def _days(session: AsyncSession) -> Any:
    # Date arithmetic differs: PostgreSQL subtracts dates to whole days, SQLite stores
    # dates as text and needs julianday().
    if session.get_bind().dialect.name == "sqlite":
        return cast(
            func.julianday(Demand.resolved_on) - func.julianday(Demand.received_on), Integer
        )
    return Demand.resolved_on - Demand.received_on


async def end_to_end_times(
    session: AsyncSession, f: MeasureFilter, *, with_points: bool = True
) -> list[EndToEnd]:
    """One entry per demand type with resolved demands, most demands first.

    ``with_points=False`` leaves ``points`` empty and reads far less."""
    if with_points:
        columns = [Demand.id, CaseRecord.reference, Demand.received_on, Demand.resolved_on]
    else:
        columns = [_days(session).label("days")]
    statement = select(Demand.type_id, *columns).where(
        Demand.resolved_on.is_not(None),
        *f.on_dates(Demand.resolved_on),
        *f.on_case_table(Demand.case_id, Demand.module),
    )
    if with_points:
        statement = statement.join(CaseRecord, CaseRecord.id == Demand.case_id)
    rows = (
        await session.execute(statement.order_by(Demand.type_id, Demand.resolved_on, Demand.id))
    ).all()
    refs = await lookup_refs(session, [row.type_id for row in rows])
    result = []
    for type_id, group in groupby(rows, key=lambda row: row.type_id):
        result.append(_capability(refs[type_id], list(group), with_points))
    result.sort(key=lambda e: (-e.count, sort_label(e.type)))
    return result


def _capability(ref: LookupRef, rows: list, with_points: bool) -> EndToEnd:
    if with_points:
        days = [(row.resolved_on - row.received_on).days for row in rows]
    else:
        days = [row.days for row in rows]
    ranges = moving_ranges(days)
    ordered = sorted(days)
    limits = xmr_limits(days)
    assert limits is not None  # groupby never yields an empty group
    p50, p80, p95 = (int(nearest_rank(ordered, p) or 0) for p in PERCENTILES)
    return EndToEnd(
        type=ref,
        count=len(days),
        p50=p50,
        p80=p80,
        p95=p95,
        mean=limits.mean,
        points=[
            ChartPoint(
                demand_id=row.id,
                case_reference=row.reference,
                received_on=row.received_on,
                resolved_on=row.resolved_on,
                days=day,
                moving_range=None if mr is None else int(mr),
            )
            for row, day, mr in zip(rows, days, ranges, strict=True)
        ]
        if with_points
        else [],
        limits=limits,
    )
