"""The module's strategic measures (``pdms_measures``), grouped in SQL or read narrow.

Criteria honoured: the date range (on when tickets were reported; for time to close, on
when they closed), teams (the ticket's team), wards and postcode areas (the ticket's
place, through its case), and the module list (nothing unless it names env_tickets).
The time bucket is not used: each measure is one table for the whole range.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from typing import Any

from pdms_core.plugin import (
    MeasureColumn,
    MeasureFilter,
    MeasureTable,
    core_tables,
)
from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.geo import EARTH_RADIUS_M
from pdms_env_tickets.lists import MODULE
from pdms_env_tickets.models import InterestedParty, Ticket

LOOKUP = core_tables.lookup_value
PLACE = core_tables.place
DEMAND = core_tables.demand
CELL_M = 100
HOTSPOTS = 20


def _criteria(measure_filter: MeasureFilter, when: Any = None) -> list[Any]:
    clauses = list(measure_filter.on_times(Ticket.reported_at if when is None else when))
    if measure_filter.modules and MODULE not in measure_filter.modules:
        clauses.append(false())
    if measure_filter.team_ids:
        clauses.append(Ticket.team_id.in_(measure_filter.team_ids))
    if measure_filter.within_teams is not None:
        clauses.append(Ticket.team_id.in_(measure_filter.within_teams))
    places = dataclasses.replace(measure_filter, team_ids=(), within_teams=None)
    clauses.extend(places.on_case(Ticket.case_id))
    return clauses


async def volume_by_type_and_ward(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    rows = await session.execute(
        select(LOOKUP.c.code, LOOKUP.c.label, PLACE.c.ward_code, func.count(Ticket.id))
        .select_from(Ticket)
        .join(LOOKUP, LOOKUP.c.id == Ticket.type_id)
        .outerjoin(PLACE, PLACE.c.id == Ticket.place_id)
        .where(*_criteria(f))
        .group_by(LOOKUP.c.code, LOOKUP.c.label, PLACE.c.ward_code)
        .order_by(LOOKUP.c.code, PLACE.c.ward_code.is_(None), PLACE.c.ward_code)
    )
    return MeasureTable(
        columns=(
            MeasureColumn("type_code", "Ticket type code"),
            MeasureColumn("type", "Ticket type"),
            MeasureColumn("ward_code", "Ward (empty: no place)"),
            MeasureColumn("tickets", "Tickets", "integer"),
        ),
        rows=tuple(tuple(row) for row in rows),
    )


def _percentile(sorted_values: list[float], share: float) -> float | None:
    if not sorted_values:
        return None
    index = max(0, math.ceil(share * len(sorted_values)) - 1)
    return round(sorted_values[index], 1)


async def time_to_close(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    rows = await session.execute(
        select(LOOKUP.c.code, Ticket.reported_at, Ticket.closed_at, Ticket.due_on)
        .select_from(Ticket)
        .join(LOOKUP, LOOKUP.c.id == Ticket.type_id)
        .where(Ticket.closed_at.is_not(None), *_criteria(f, Ticket.closed_at))
    )
    days: dict[str, list[float]] = {}
    within: Counter[str] = Counter()
    with_standard: Counter[str] = Counter()
    for code, reported, closed, due in rows:
        days.setdefault(code, []).append((closed - reported).total_seconds() / 86400)
        if due is not None:
            with_standard[code] += 1
            within[code] += closed.date() <= due
    table = []
    for code in sorted(days):
        values = sorted(days[code])
        share = round(100 * within[code] / with_standard[code], 1) if with_standard[code] else None
        table.append(
            (code, len(values), *(_percentile(values, p) for p in (0.5, 0.8, 0.95)), share)
        )
    return MeasureTable(
        columns=(
            MeasureColumn("type_code", "Ticket type code"),
            MeasureColumn("closed", "Tickets closed", "integer"),
            MeasureColumn("p50_days", "Days to close, median", "number"),
            MeasureColumn("p80_days", "Days to close, 80th percentile", "number"),
            MeasureColumn("p95_days", "Days to close, 95th percentile", "number"),
            MeasureColumn("within_standard_pct", "% closed by the due date", "number"),
        ),
        rows=tuple(table),
    )


def cell_of(latitude: float, longitude: float) -> tuple[int, int]:
    """A ~100 m grid cell: latitude bands of 100 m, longitude steps of 100 m at that band."""
    band = math.floor(math.radians(latitude) * EARTH_RADIUS_M / CELL_M)
    centre = math.radians((band + 0.5) * CELL_M / EARTH_RADIUS_M * 180 / math.pi)
    step = CELL_M / (EARTH_RADIUS_M * max(math.cos(centre), 1e-6))
    return band, math.floor(math.radians(longitude) / step)


async def hotspots(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    rows = await session.execute(
        select(Ticket.place_id, PLACE.c.single_line_address, Ticket.latitude, Ticket.longitude)
        .outerjoin(PLACE, PLACE.c.id == Ticket.place_id)
        .where(*_criteria(f))
    )
    counts: Counter[tuple[str, str]] = Counter()
    points: dict[tuple[str, str], tuple[float, float]] = {}
    for place_id, address, lat, lon in rows:
        if place_id is not None:
            key = (f"place:{place_id}", address or "")
        elif lat is not None and lon is not None:
            band, step = cell_of(lat, lon)
            key = (f"cell:{band}:{step}", "")
        else:
            continue
        counts[key] += 1
        if lat is not None and lon is not None:
            points.setdefault(key, (round(lat, 5), round(lon, 5)))
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))[:HOTSPOTS]
    return MeasureTable(
        columns=(
            MeasureColumn("spot", "Place or 100 m cell"),
            MeasureColumn("address", "Address (places)"),
            MeasureColumn("latitude", "Latitude (first ticket)", "number"),
            MeasureColumn("longitude", "Longitude (first ticket)", "number"),
            MeasureColumn("tickets", "Tickets", "integer"),
        ),
        rows=tuple((k[0], k[1], *points.get(k, (None, None)), n) for k, n in top),
    )


async def failure_demand_share(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    """Value and failure demands on the module's cases, by type, received in the range."""
    clauses = [DEMAND.c.module == MODULE, *f.on_dates(DEMAND.c.received_on)]
    if f.modules and MODULE not in f.modules:
        clauses.append(false())
    places = dataclasses.replace(f, team_ids=(), within_teams=None)
    clauses.extend(places.on_case(DEMAND.c.case_id))
    if f.team_ids or f.within_teams is not None:
        teams = f.team_ids or f.within_teams
        clauses.append(
            DEMAND.c.case_id.in_(select(Ticket.case_id).where(Ticket.team_id.in_(teams)))
        )
    rows = await session.execute(
        select(LOOKUP.c.code, DEMAND.c.nature, func.count())
        .select_from(DEMAND)
        .join(LOOKUP, LOOKUP.c.id == DEMAND.c.type_id)
        .where(*clauses)
        .group_by(LOOKUP.c.code, DEMAND.c.nature)
    )
    counts: dict[str, Counter[str]] = {}
    for code, nature, count in rows:
        counts.setdefault(code, Counter())[nature] += count
    table = []
    for code in sorted(counts):
        value, failure = counts[code]["value"], counts[code]["failure"]
        table.append((code, value, failure, round(100 * failure / (value + failure), 1)))
    return MeasureTable(
        columns=(
            MeasureColumn("type_code", "Ticket type code"),
            MeasureColumn("value_demands", "Value demands (reports)", "integer"),
            MeasureColumn("failure_demands", "Failure demands (chasers)", "integer"),
            MeasureColumn("failure_pct", "Failure demand %", "number"),
        ),
        rows=tuple(table),
    )


async def duplicates_caught(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    """Callers added to an existing ticket instead of a new one, and tickets marked as
    duplicates of another, by type, in the range (when added / when reported)."""
    joined = await session.execute(
        select(LOOKUP.c.code, func.count(InterestedParty.id))
        .select_from(InterestedParty)
        .join(Ticket, Ticket.id == InterestedParty.ticket_id)
        .join(LOOKUP, LOOKUP.c.id == Ticket.type_id)
        .where(*_criteria(f, InterestedParty.added_at))
        .group_by(LOOKUP.c.code)
    )
    marked = await session.execute(
        select(LOOKUP.c.code, func.count(Ticket.id))
        .select_from(Ticket)
        .join(LOOKUP, LOOKUP.c.id == Ticket.type_id)
        .where(Ticket.duplicate_of_id.is_not(None), *_criteria(f))
        .group_by(LOOKUP.c.code)
    )
    found: dict[str, list[int]] = {}
    for code, count in joined:
        found.setdefault(code, [0, 0])[0] = count
    for code, count in marked:
        found.setdefault(code, [0, 0])[1] = count
    return MeasureTable(
        columns=(
            MeasureColumn("type_code", "Ticket type code"),
            MeasureColumn("joined", "Callers added to an existing ticket", "integer"),
            MeasureColumn("marked_duplicate", "Tickets marked duplicate", "integer"),
        ),
        rows=tuple((code, *found[code]) for code in sorted(found)),
    )
