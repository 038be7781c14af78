"""Typed results of core's measures, for dashboards."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from pdms_core.demands.types import DemandNature
from pdms_core.graphql.node import load_row
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.lookups.models import LookupValue
from pdms_core.measures import demand_measures as dm
from pdms_core.measures import end_to_end as e2e
from pdms_core.measures import work_measures as wm


@strawberry.enum(description="What demand volumes are grouped by.")
class DemandGrouping(Enum):
    TYPE = strawberry.enum_value(dm.TYPE, description="Demand type.")
    CATEGORY = strawberry.enum_value(dm.CATEGORY, description="Demand category.")
    NATURE = strawberry.enum_value(dm.NATURE, description="Value or failure demand.")
    CHANNEL = strawberry.enum_value(dm.CHANNEL, description="How the demand reached the council.")
    OBJECTIVE = strawberry.enum_value(
        dm.OBJECTIVE, description="The strategic objective the demand relates to."
    )


@strawberry.enum(description="How system-condition types are ranked.")
class ConditionRanking(Enum):
    CASES_AFFECTED = strawberry.enum_value(
        wm.CASES_AFFECTED, description="Distinct cases held up, most first."
    )
    TIME_LOST = strawberry.enum_value(wm.TIME_LOST, description="Minutes lost, most first.")


async def _lookup(info: Info, value_id: int | None) -> LookupValueNode | None:
    return await load_row(info, LookupValue, value_id)


@strawberry.type(description="Presenting demands received in one period with one key.")
class DemandVolume:
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period.")
    nature: DemandNature | None = strawberry.field(
        description="The nature grouped by; null unless grouping by nature."
    )
    count: int = strawberry.field(description="Presenting demands received.")
    value_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The lookup value grouped by (type, category, channel or objective); "
        "null when grouping by nature and for demands without one."
    )
    async def lookup_value(self, info: Info) -> LookupValueNode | None:
        return await _lookup(info, self.value_id)

    @classmethod
    def of(cls, v: dm.Volume) -> DemandVolume:
        return cls(
            period_start=v.period_start,
            period_end=v.period_end,
            nature=DemandNature(v.nature) if v.nature else None,
            count=v.count,
            value_id=v.value.id if v.value else None,
        )


@strawberry.type(description="Failure demand among presenting demands.")
class FailureShare:
    demands: int = strawberry.field(description="Presenting demands received.")
    failure_demands: int = strawberry.field(description="Of which failure demand.")
    value_demands: int = strawberry.field(description="Of which value demand.")
    share: float | None = strawberry.field(
        description="failureDemands / demands, 0 to 1 to four places; null with no demand."
    )

    @classmethod
    def of(cls, s: dm.Share) -> FailureShare:
        return cls(demands=s.total, failure_demands=s.failure, value_demands=s.value, share=s.share)


@strawberry.type(description="Failure-demand share in one period.")
class PeriodFailureShare:
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period.")
    share: FailureShare = strawberry.field(description="The share in the period.")


@strawberry.type(description="Failure-demand share of one demand type.")
class TypeFailureShare:
    share: FailureShare = strawberry.field(description="The share for the type.")
    type_id: strawberry.Private[int]

    @strawberry.field(description="The demand type.")
    async def type(self, info: Info) -> LookupValueNode:
        return await _lookup(info, self.type_id)  # type: ignore[return-value]


@strawberry.type(description="Failure-demand share of one channel or strategic objective.")
class KeyFailureShare:
    share: FailureShare = strawberry.field(description="The share for the value.")
    value_id: strawberry.Private[int | None]

    @strawberry.field(description="The channel or objective; null for demands without one.")
    async def lookup_value(self, info: Info) -> LookupValueNode | None:
        return await _lookup(info, self.value_id)

    @classmethod
    def of(cls, s: dm.KeyShare) -> KeyFailureShare:
        return cls(share=FailureShare.of(s.share), value_id=s.value.id if s.value else None)


@strawberry.type(
    description="Failure-demand share overall, over time, and by type, channel and objective."
)
class FailureDemandMeasure:
    overall: FailureShare = strawberry.field(description="Across everything filtered.")
    by_period: list[PeriodFailureShare] = strawberry.field(
        description="Per period with demand, oldest first."
    )
    by_type: list[TypeFailureShare] = strawberry.field(
        description="Per demand type, highest share first."
    )
    by_channel: list[KeyFailureShare] = strawberry.field(
        description="Per channel, highest share first."
    )
    by_objective: list[KeyFailureShare] = strawberry.field(
        description="Per strategic objective, highest share first."
    )

    @classmethod
    def of(cls, f: dm.FailureDemand) -> FailureDemandMeasure:
        return cls(
            overall=FailureShare.of(f.overall),
            by_period=[
                PeriodFailureShare(
                    period_start=p.period_start,
                    period_end=p.period_end,
                    share=FailureShare.of(p.share),
                )
                for p in f.by_period
            ],
            by_type=[
                TypeFailureShare(share=FailureShare.of(t.share), type_id=t.type.id)
                for t in f.by_type
            ],
            by_channel=[KeyFailureShare.of(s) for s in f.by_channel],
            by_objective=[KeyFailureShare.of(s) for s in f.by_objective],
        )


@strawberry.type(description="An underlying demand type found behind a presenting type.")
class RootCause:
    demands: int = strawberry.field(
        description="Presenting demands with at least one underlying demand of this type."
    )
    share: float = strawberry.field(
        description="demands / the presenting type's demands, 0 to 1 to four places."
    )
    type_id: strawberry.Private[int]

    @strawberry.field(description="The underlying demand type (the root cause).")
    async def type(self, info: Info) -> LookupValueNode:
        return await _lookup(info, self.type_id)  # type: ignore[return-value]


@strawberry.type(description="A presenting demand type and the root causes behind it.")
class RootCauseGroup:
    presenting_demands: int = strawberry.field(description="Presenting demands of the type.")
    causes: list[RootCause] = strawberry.field(description="Root causes, most frequent first.")
    type_id: strawberry.Private[int]

    @strawberry.field(description="The presenting demand type.")
    async def presenting_type(self, info: Info) -> LookupValueNode:
        return await _lookup(info, self.type_id)  # type: ignore[return-value]

    @classmethod
    def of(cls, group: dm.RootCauses, top: int) -> RootCauseGroup:
        return cls(
            presenting_demands=group.presenting_demands,
            type_id=group.presenting_type.id,
            causes=[
                RootCause(demands=c.count, share=c.share, type_id=c.type.id)
                for c in group.causes[:top]
            ],
        )


@strawberry.type(description="What one type of system condition cost.")
class SystemConditionImpact:
    occurrences: int = strawberry.field(description="Conditions of the type raised.")
    cases_affected: int = strawberry.field(description="Distinct cases they held up.")
    minutes_lost: int = strawberry.field(description="Officer minutes lost on those cases.")
    type_id: strawberry.Private[int]

    @strawberry.field(description="The system-condition type.")
    async def type(self, info: Info) -> LookupValueNode:
        return await _lookup(info, self.type_id)  # type: ignore[return-value]

    @classmethod
    def of(cls, c: wm.ConditionImpact) -> SystemConditionImpact:
        return cls(
            occurrences=c.occurrences,
            cases_affected=c.cases_affected,
            minutes_lost=c.minutes_lost,
            type_id=c.type.id,
        )


@strawberry.type(description="One resolved demand on a control chart.")
class ControlChartPoint:
    case_reference: str = strawberry.field(description="The demand's case.")
    received_on: date = strawberry.field(description="Day the demand was received.")
    resolved_on: date = strawberry.field(description="Day it was resolved.")
    days: int = strawberry.field(description="End-to-end calendar days.")
    moving_range: int | None = strawberry.field(
        description="Difference in days from the previous point; null for the first."
    )


@strawberry.type(description="An XmR (individuals) chart of end-to-end days.")
class ControlChart:
    mean: float = strawberry.field(description="Centre line: mean days.")
    mean_moving_range: float = strawberry.field(description="Mean of the moving ranges.")
    upper_limit: float = strawberry.field(
        description="Upper natural process limit: mean + 2.66 x mean moving range."
    )
    lower_limit: float = strawberry.field(
        description="Lower natural process limit: mean - 2.66 x mean moving range, at least 0."
    )
    points: list[ControlChartPoint] = strawberry.field(
        description="Resolved demands in resolution order (resolved date, then record order)."
    )


@strawberry.type(description="End-to-end time capability of one demand type.")
class EndToEndTime:
    demands: int = strawberry.field(description="Demands resolved.")
    p50: int = strawberry.field(description="50th percentile of days (nearest rank).")
    p80: int = strawberry.field(description="80th percentile of days (nearest rank).")
    p95: int = strawberry.field(description="95th percentile of days (nearest rank).")
    control_chart: ControlChart = strawberry.field(description="The days as an XmR chart.")
    type_id: strawberry.Private[int]

    @strawberry.field(description="The demand type.")
    async def type(self, info: Info) -> LookupValueNode:
        return await _lookup(info, self.type_id)  # type: ignore[return-value]

    @classmethod
    def of(cls, e: e2e.EndToEnd) -> EndToEndTime:
        return cls(
            demands=e.count,
            p50=e.p50,
            p80=e.p80,
            p95=e.p95,
            type_id=e.type.id,
            control_chart=ControlChart(
                mean=round(e.limits.mean, 2),
                mean_moving_range=round(e.limits.mean_moving_range, 2),
                upper_limit=round(e.limits.upper, 2),
                lower_limit=round(e.limits.lower, 2),
                points=[
                    ControlChartPoint(
                        case_reference=p.case_reference,
                        received_on=p.received_on,
                        resolved_on=p.resolved_on,
                        days=p.days,
                        moving_range=p.moving_range,
                    )
                    for p in e.points
                ],
            ),
        )


@strawberry.type(description="Time recorded against one task category.")
class ActivityTime:
    minutes: int = strawberry.field(description="Minutes recorded on tasks.")
    tasks: int = strawberry.field(description="Tasks recorded.")
    category_id: strawberry.Private[int]

    @strawberry.field(description="The task category.")
    async def category(self, info: Info) -> LookupValueNode:
        return await _lookup(info, self.category_id)  # type: ignore[return-value]

    @classmethod
    def of(cls, t: wm.ActivityTime) -> ActivityTime:
        return cls(minutes=t.minutes, tasks=t.tasks, category_id=t.category.id)
