"""Core's measures as tables, registered through ``pdms_measures`` like any plugin's.

The typed GraphQL fields call the measure functions directly; these specs turn the same
results into :class:`MeasureTable` for the generic ``measure`` query, snapshots and
CSV export.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.measures import demand_measures as dm
from pdms_core.measures.end_to_end import end_to_end_times
from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.lookup_refs import LookupRef
from pdms_core.measures.stats import XmrLimits
from pdms_core.measures.table import MeasureTable, table
from pdms_core.measures.work_measures import activity_time, condition_impact
from pdms_core.records import MeasureSpec

Compute = Callable[[AsyncSession, MeasureFilter], Awaitable[MeasureTable]]
PERIOD = [("period_start", "Period start", "date"), ("period_end", "Period end", "date")]
SHARE = [
    ("demands", "Presenting demands", "integer"),
    ("failure_demands", "Failure demands", "integer"),
    ("failure_share", "Failure share", "number"),
]


def _ref(ref: LookupRef | None) -> tuple[str | None, str | None]:
    return (ref.code, ref.label) if ref else (None, None)


def _cols(prefix: str, title: str) -> list[tuple[str, str, str]]:
    return [(f"{prefix}_code", f"{title} code", "text"), (f"{prefix}_label", title, "text")]


#: Column prefix and title of each lookup grouping in measure tables.
KEY_COLUMNS = {
    dm.TYPE: ("type", "Type"),
    dm.CATEGORY: ("category", "Category"),
    dm.CHANNEL: ("channel", "Channel"),
    dm.OBJECTIVE: ("objective", "Strategic objective"),
}


def _volumes(group_by: str) -> Compute:
    async def compute(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
        volumes = await dm.demand_volumes(session, f, group_by)
        if group_by == dm.NATURE:
            key_columns = [("nature", "Nature", "text")]
            keys = [(v.nature,) for v in volumes]
        else:
            key_columns = _cols(*KEY_COLUMNS[group_by])
            keys = [_ref(v.value) for v in volumes]
        return table(
            [*PERIOD, *key_columns, ("demands", "Presenting demands", "integer")],
            [
                (v.period_start, v.period_end, *key, v.count)
                for v, key in zip(volumes, keys, strict=True)
            ],
        )

    return compute


def _share(share: dm.Share) -> tuple[int, int, float | None]:
    return (share.total, share.failure, share.share)


async def failure_demand_overall(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    result = await dm.failure_demand(session, f)
    return table(SHARE, [_share(result.overall)])


async def failure_demand_by_period(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    result = await dm.failure_demand(session, f)
    return table(
        [*PERIOD, *SHARE],
        [(p.period_start, p.period_end, *_share(p.share)) for p in result.by_period],
    )


async def failure_demand_by_type(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    result = await dm.failure_demand(session, f)
    return table(
        [*_cols("type", "Demand type"), *SHARE],
        [(*_ref(t.type), *_share(t.share)) for t in result.by_type],
    )


def _failure_by(grouping: str) -> Compute:
    async def compute(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
        result = await dm.failure_demand(session, f)
        shares = result.by_channel if grouping == dm.CHANNEL else result.by_objective
        return table(
            [*_cols(*KEY_COLUMNS[grouping]), *SHARE],
            [(*_ref(s.value), *_share(s.share)) for s in shares],
        )

    return compute


async def root_causes(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    rows = []
    for group in await dm.root_causes(session, f):
        for rank, cause in enumerate(group.causes, start=1):
            rows.append(
                (
                    *_ref(group.presenting_type),
                    group.presenting_demands,
                    rank,
                    *_ref(cause.type),
                    cause.count,
                    cause.share,
                )
            )
    return table(
        [
            *_cols("presenting_type", "Presenting type"),
            ("presenting_demands", "Presenting demands", "integer"),
            ("rank", "Rank", "integer"),
            *_cols("underlying_type", "Underlying type"),
            ("demands", "Presenting demands with this cause", "integer"),
            ("share", "Share of presenting demands", "number"),
        ],
        rows,
    )


async def system_conditions(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    impacts = await condition_impact(session, f)
    return table(
        [
            *_cols("condition_type", "Condition type"),
            ("occurrences", "Conditions raised", "integer"),
            ("cases_affected", "Cases affected", "integer"),
            ("minutes_lost", "Minutes lost", "integer"),
        ],
        [(*_ref(c.type), c.occurrences, c.cases_affected, c.minutes_lost) for c in impacts],
    )


LIMITS = [
    ("mean_days", "Mean days", "number"),
    ("upper_limit", "Upper natural process limit", "number"),
    ("lower_limit", "Lower natural process limit", "number"),
]


async def end_to_end(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    times = await end_to_end_times(session, f, with_points=False)
    return table(
        [
            *_cols("type", "Demand type"),
            ("demands", "Resolved demands", "integer"),
            ("p50_days", "50th percentile (days)", "integer"),
            ("p80_days", "80th percentile (days)", "integer"),
            ("p95_days", "95th percentile (days)", "integer"),
            *LIMITS,
        ],
        [(*_ref(e.type), e.count, e.p50, e.p80, e.p95, *_limits(e.limits)) for e in times],
    )


def _limits(limits: XmrLimits) -> tuple[float, float, float]:
    return (round(limits.mean, 2), round(limits.upper, 2), round(limits.lower, 2))


async def control_chart(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    rows = []
    for e in await end_to_end_times(session, f):
        for sequence, p in enumerate(e.points, start=1):
            rows.append(
                (
                    *_ref(e.type),
                    sequence,
                    p.case_reference,
                    p.received_on,
                    p.resolved_on,
                    p.days,
                    p.moving_range,
                    *_limits(e.limits),
                )
            )
    return table(
        [
            *_cols("type", "Demand type"),
            ("sequence", "Resolution order", "integer"),
            ("case_reference", "Case", "text"),
            ("received_on", "Received", "date"),
            ("resolved_on", "Resolved", "date"),
            ("days", "End-to-end days", "integer"),
            ("moving_range", "Moving range (days)", "integer"),
            *LIMITS,
        ],
        rows,
    )


async def activity(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    times = await activity_time(session, f)
    return table(
        [
            *_cols("category", "Task category"),
            ("minutes", "Minutes", "integer"),
            ("tasks", "Tasks", "integer"),
        ],
        [(*_ref(t.category), t.minutes, t.tasks) for t in times],
    )


def _spec(name: str, title: str, description: str, compute: Compute) -> MeasureSpec:
    return MeasureSpec(name=name, title=title, description=description, compute=compute)


CORE_MEASURES = (
    _spec(
        "demand_volumes_by_type",
        "Demand by type",
        "Presenting demands received per period (the filter's bucket) and demand type.",
        _volumes(dm.TYPE),
    ),
    _spec(
        "demand_volumes_by_category",
        "Demand by category",
        "Presenting demands received per period and demand category (blank: none).",
        _volumes(dm.CATEGORY),
    ),
    _spec(
        "demand_volumes_by_nature",
        "Value and failure demand",
        "Presenting demands received per period, value or failure.",
        _volumes(dm.NATURE),
    ),
    _spec(
        "demand_volumes_by_channel",
        "Demand by channel",
        "Presenting demands received per period and channel (blank: none recorded).",
        _volumes(dm.CHANNEL),
    ),
    _spec(
        "demand_volumes_by_objective",
        "Demand by strategic objective",
        "Presenting demands received per period and strategic objective (blank: none).",
        _volumes(dm.OBJECTIVE),
    ),
    _spec(
        "failure_demand",
        "Failure-demand share",
        "Share of presenting demands received that were failure demand.",
        failure_demand_overall,
    ),
    _spec(
        "failure_demand_by_period",
        "Failure-demand share over time",
        "Failure-demand share of presenting demands, per period.",
        failure_demand_by_period,
    ),
    _spec(
        "failure_demand_by_type",
        "Failure-demand share by type",
        "Failure-demand share of presenting demands, per demand type, highest first.",
        failure_demand_by_type,
    ),
    _spec(
        "failure_demand_by_channel",
        "Failure-demand share by channel",
        "Failure-demand share of presenting demands, per channel, highest first.",
        _failure_by(dm.CHANNEL),
    ),
    _spec(
        "failure_demand_by_objective",
        "Failure-demand share by strategic objective",
        "Failure-demand share of presenting demands, per strategic objective, highest first.",
        _failure_by(dm.OBJECTIVE),
    ),
    _spec(
        "root_causes",
        "Root causes",
        "The underlying demand types behind each presenting demand type, ranked by count.",
        root_causes,
    ),
    _spec(
        "system_conditions",
        "System conditions",
        "Condition types raised, ranked by distinct cases affected, with minutes lost.",
        system_conditions,
    ),
    _spec(
        "end_to_end_times",
        "End-to-end times",
        "Days from received to resolved per demand type: nearest-rank percentiles, "
        "mean and XmR natural process limits.",
        end_to_end,
    ),
    _spec(
        "end_to_end_control_chart",
        "End-to-end control chart",
        "Each resolved demand in resolution order with its days, moving range, mean "
        "and natural process limits, per demand type.",
        control_chart,
    ),
    _spec(
        "activity_time",
        "Activity time",
        "Minutes and tasks recorded per task category, most minutes first.",
        activity,
    ),
)
