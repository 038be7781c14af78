"""Measures of demand: volumes over time, failure-demand share and root causes.

Volumes and failure share count *presenting* demands (what came in at the door), by
the day they were received; root causes link presenting demands to the underlying
demands found behind them. Every query groups in SQL and returns at most one row per
day and key, so the work does not grow with the number of demands beyond the scan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from pdms_core.demands.models import FAILURE, Demand, DemandCause
from pdms_core.measures.filters import MeasureFilter, bucket_end, bucket_start
from pdms_core.measures.lookup_refs import LookupRef, lookup_refs, sort_label

TYPE, CATEGORY, NATURE = "type", "category", "nature"
CHANNEL, OBJECTIVE = "channel", "objective"
GROUPINGS = (TYPE, CATEGORY, NATURE, CHANNEL, OBJECTIVE)
#: The demand column each grouping counts by; all but nature are lookup values.
GROUPING_COLUMNS = {
    TYPE: Demand.type_id,
    CATEGORY: Demand.category_id,
    NATURE: Demand.nature,
    CHANNEL: Demand.channel_id,
    OBJECTIVE: Demand.strategic_objective_id,
}


@dataclass(frozen=True)
class Volume:
    """Presenting demands received in one period with one key (see ``GROUPINGS``)."""

    period_start: date
    period_end: date
    #: The lookup value grouped by (None for nature, or for "none recorded").
    value: LookupRef | None
    #: ``value`` or ``failure`` when grouped by nature.
    nature: str | None
    count: int


def _presenting(f: MeasureFilter) -> list:
    return [
        Demand.is_presenting.is_(True),
        *f.on_dates(Demand.received_on),
        *f.on_case_table(Demand.case_id, Demand.module),
    ]


async def demand_volumes(session: AsyncSession, f: MeasureFilter, group_by: str) -> list[Volume]:
    """Counts per period (``f.bucket``) and key; periods without demands are left out.

    Ordered by period, then count (highest first), then label.
    """
    key = GROUPING_COLUMNS[group_by]
    rows = await session.execute(
        select(Demand.received_on, key, func.count())
        .where(*_presenting(f))
        .group_by(Demand.received_on, key)
    )
    counts: Counter[tuple[date, object]] = Counter()
    for received_on, value, count in rows:
        counts[(bucket_start(received_on, f.bucket), value)] += count
    refs = await lookup_refs(session, [k for _, k in counts] if group_by != NATURE else [])
    volumes = [
        Volume(
            period_start=start,
            period_end=bucket_end(start, f.bucket),
            value=refs.get(value) if group_by != NATURE else None,  # type: ignore[arg-type]
            nature=value if group_by == NATURE else None,  # type: ignore[arg-type]
            count=count,
        )
        for (start, value), count in counts.items()
    ]
    volumes.sort(key=lambda v: (v.period_start, -v.count, sort_label(v.value), v.nature or ""))
    return volumes


@dataclass(frozen=True)
class Share:
    """Failure demand among presenting demands: ``failure / total``."""

    total: int
    failure: int

    @property
    def value(self) -> int:
        return self.total - self.failure

    @property
    def share(self) -> float | None:
        """Failure share from 0 to 1, to four places; None when there is no demand."""
        return round(self.failure / self.total, 4) if self.total else None


@dataclass(frozen=True)
class PeriodShare:
    period_start: date
    period_end: date
    share: Share


@dataclass(frozen=True)
class TypeShare:
    type: LookupRef
    share: Share


@dataclass(frozen=True)
class KeyShare:
    """Failure-demand share of one channel or strategic objective (None: none recorded)."""

    value: LookupRef | None
    share: Share


@dataclass(frozen=True)
class FailureDemand:
    """Failure-demand share overall, per period (oldest first), and per demand type,
    channel and strategic objective (highest share first)."""

    overall: Share
    by_period: list[PeriodShare]
    by_type: list[TypeShare]
    by_channel: list[KeyShare]
    by_objective: list[KeyShare]


def _highest_first(share: Share, ref: LookupRef | None) -> tuple[float, int, str]:
    return (-(share.share or 0), -share.total, sort_label(ref))


async def failure_demand(session: AsyncSession, f: MeasureFilter) -> FailureDemand:
    columns = (Demand.type_id, Demand.channel_id, Demand.strategic_objective_id)
    rows = (
        await session.execute(
            select(Demand.received_on, *columns, Demand.nature, func.count())
            .where(*_presenting(f))
            .group_by(Demand.received_on, *columns, Demand.nature)
        )
    ).all()
    totals: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    for received_on, type_id, channel_id, objective_id, nature, count in rows:
        failed = count if nature == FAILURE else 0
        keys = (
            "all",
            ("period", bucket_start(received_on, f.bucket)),
            (TYPE, type_id),
            (CHANNEL, channel_id),
            (OBJECTIVE, objective_id),
        )
        for key in keys:
            totals[key][0] += count
            totals[key][1] += failed
    refs = await lookup_refs(session, [k[1] for k in totals if k[0] in (TYPE, CHANNEL, OBJECTIVE)])

    def share(key: object) -> Share:
        total, failed = totals.get(key, (0, 0))
        return Share(total=total, failure=failed)

    def by_key(grouping: str) -> list[KeyShare]:
        found = [KeyShare(refs.get(k[1]), share(k)) for k in totals if k[0] == grouping]  # type: ignore[arg-type]
        return sorted(found, key=lambda s: _highest_first(s.share, s.value))

    periods = sorted(k[1] for k in totals if k[0] == "period")
    by_type = [TypeShare(refs[k[1]], share(k)) for k in totals if k[0] == TYPE]  # type: ignore[index]
    by_type.sort(key=lambda t: _highest_first(t.share, t.type))
    return FailureDemand(
        overall=share("all"),
        by_period=[PeriodShare(p, bucket_end(p, f.bucket), share(("period", p))) for p in periods],
        by_type=by_type,
        by_channel=by_key(CHANNEL),
        by_objective=by_key(OBJECTIVE),
    )


@dataclass(frozen=True)
class RootCause:
    """An underlying demand type found behind ``presenting_demands`` of a type."""

    type: LookupRef
    #: Presenting demands with at least one underlying demand of this type.
    count: int
    #: ``count`` / presenting demands of the type, to four places.
    share: float


@dataclass(frozen=True)
class RootCauses:
    """One presenting demand type and its root causes, most frequent first."""

    presenting_type: LookupRef
    presenting_demands: int
    causes: list[RootCause]


async def root_causes(session: AsyncSession, f: MeasureFilter) -> list[RootCauses]:
    """Presenting types (most demands first) with their underlying types ranked by count.

    Filters apply to the presenting demand (received in the date range)."""
    presenting = aliased(Demand)
    underlying = aliased(Demand)
    where = [
        presenting.is_presenting.is_(True),
        *f.on_dates(presenting.received_on),
        *f.on_case_table(presenting.case_id, presenting.module),
    ]
    totals = dict(
        (
            await session.execute(
                select(presenting.type_id, func.count()).where(*where).group_by(presenting.type_id)
            )
        ).all()
    )
    links = (
        await session.execute(
            select(presenting.type_id, underlying.type_id, func.count(distinct(presenting.id)))
            .select_from(DemandCause)
            .join(presenting, presenting.id == DemandCause.presenting_id)
            .join(underlying, underlying.id == DemandCause.underlying_id)
            .where(*where)
            .group_by(presenting.type_id, underlying.type_id)
        )
    ).all()
    refs = await lookup_refs(session, [*totals, *(u for _, u, _ in links)])
    causes: dict[int, list[RootCause]] = defaultdict(list)
    for type_id, underlying_id, count in links:
        share = round(count / totals[type_id], 4)
        causes[type_id].append(RootCause(refs[underlying_id], count, share))
    result = [
        RootCauses(
            presenting_type=refs[type_id],
            presenting_demands=total,
            causes=sorted(causes[type_id], key=lambda c: (-c.count, sort_label(c.type))),
        )
        for type_id, total in totals.items()
    ]
    result.sort(key=lambda r: (-r.presenting_demands, sort_label(r.presenting_type)))
    return result
