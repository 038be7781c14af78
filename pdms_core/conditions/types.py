"""GraphQL types for system conditions."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.activities.models import Activity
from pdms_core.cases.loaders import EffectsByConditionLoader
from pdms_core.cases.models import CaseRecord
from pdms_core.conditions.models import SystemCondition
from pdms_core.demands.models import Demand
from pdms_core.graphql.node import ModelNode, global_id, load_row, lookup_value
from pdms_core.lookups.graphql import LookupValueNode

if TYPE_CHECKING:
    from pdms_core.activities.types import ActivityNode
    from pdms_core.cases.types import CaseNode
    from pdms_core.demands.types import DemandNode

READ = "core.conditions.read"


@strawberry.type(
    name="SystemConditionEffect",
    description="A case (and optionally a demand or activity of it) a condition held up.",
)
class SystemConditionEffectType:
    @strawberry.field(description="Global ID, for unlinkSystemCondition.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("SystemConditionEffect", self.id))

    minutes_lost: int = strawberry.field(description="Officer time lost on this case.")

    @strawberry.field(description="The condition.")
    async def condition(self, info: Info) -> SystemConditionNode:
        return await load_row(info, SystemCondition, self.condition_id)

    @strawberry.field(description="The case held up.")
    async def case(
        self, info: Info
    ) -> Annotated[CaseNode, strawberry.lazy("pdms_core.cases.types")]:
        return await load_row(info, CaseRecord, self.case_id)

    @strawberry.field(description="The demand held up, when given.")
    async def demand(
        self, info: Info
    ) -> Annotated[DemandNode, strawberry.lazy("pdms_core.demands.types")] | None:
        return await load_row(info, Demand, self.demand_id)

    @strawberry.field(description="The activity held up, when given.")
    async def activity(
        self, info: Info
    ) -> Annotated[ActivityNode, strawberry.lazy("pdms_core.activities.types")] | None:
        return await load_row(info, Activity, self.activity_id)


@strawberry.type(
    name="SystemCondition",
    description="Something in the council's own system that blocked the work.",
)
class SystemConditionNode(ModelNode):
    model = SystemCondition
    read_permission = READ

    id: relay.NodeID[int]
    module: str = strawberry.field(description="The module it was raised in.")
    description: str = strawberry.field(description="What is getting in the way.")
    raised_on: date = strawberry.field(description="When it was raised.")
    resolved_on: date | None = strawberry.field(description="When it was resolved.")
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(description="Condition type (configurable per module).")
    def type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.type_id)

    @strawberry.field(description="What it held up.")
    async def effects(self, info: Info) -> list[SystemConditionEffectType]:
        return await info.context.loaders.get(EffectsByConditionLoader).load(self.id)

    @strawberry.field(description="Distinct cases it held up.")
    async def cases_affected(self, info: Info) -> int:
        effects = await info.context.loaders.get(EffectsByConditionLoader).load(self.id)
        return len({effect.case_id for effect in effects})

    @strawberry.field(description="Total officer minutes lost to it.")
    async def minutes_lost(self, info: Info) -> int:
        effects = await info.context.loaders.get(EffectsByConditionLoader).load(self.id)
        return sum(effect.minutes_lost for effect in effects)
