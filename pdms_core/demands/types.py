"""GraphQL types for demands."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.cases.loaders import PresentingDemandsLoader, UnderlyingDemandsLoader
from pdms_core.cases.models import CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.documents.types import documents_field
from pdms_core.graphql.node import ModelNode, lookup_value, row_of
from pdms_core.graphql.prefetch import prefetchable, settled
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.today import today

if TYPE_CHECKING:
    from pdms_core.cases.types import CaseNode

READ = "core.cases.read"


@strawberry.enum(
    description="Value demand is what the council is for; failure demand is "
    "caused by a failure to do something or to do it right."
)
class DemandNature(Enum):
    VALUE = strawberry.enum_value("value", description="What the council exists to do.")
    FAILURE = strawberry.enum_value(
        "failure", description="Caused by a failure (chasing, repeat reports, rework)."
    )


@strawberry.enum(description="Where a demand stands against its service standard.")
class ServiceState(Enum):
    NO_STANDARD = strawberry.enum_value("no_standard", description="No service standard applies.")
    ON_TRACK = strawberry.enum_value("on_track", description="Before its warning date.")
    DUE_SOON = strawberry.enum_value("due_soon", description="Past its warning date, not yet due.")
    BREACHED = strawberry.enum_value(
        "breached", description="Unresolved after its due date, or resolved late."
    )
    MET = strawberry.enum_value("met", description="Resolved by its due date.")


def service_state(
    due_on: date | None, warn_on: date | None, resolved_on: date | None
) -> ServiceState:
    if due_on is None:
        return ServiceState.NO_STANDARD
    if resolved_on is not None:
        return ServiceState.MET if resolved_on <= due_on else ServiceState.BREACHED
    now = today()
    if now > due_on:
        return ServiceState.BREACHED
    if warn_on is not None and now >= warn_on:
        return ServiceState.DUE_SOON
    return ServiceState.ON_TRACK


@strawberry.type(
    name="Demand", description="What a person asked of the council, or a root cause behind it."
)
class DemandNode(ModelNode):
    model = Demand
    read_permission = READ

    id: relay.NodeID[int]
    module: str = strawberry.field(description="The module of its case.")
    is_presenting: bool = strawberry.field(
        description="True for what the person first asked for; false for a root cause."
    )
    description: str = strawberry.field(description="The demand in the person's words.")
    what_matters: str = strawberry.field(description="What matters to the person.")
    received_on: date = strawberry.field(description="When it reached the council.")
    resolved_on: date | None = strawberry.field(description="When it was resolved.")
    due_on: date | None = strawberry.field(description="Due by its service standard.")
    warn_on: date | None = strawberry.field(description="At risk from this date.")

    @strawberry.field(description="Value or failure demand.")
    def nature(self) -> DemandNature:
        return DemandNature(self.nature)

    @strawberry.field(description="Where it stands against its service standard today.")
    def service_state(self) -> ServiceState:
        return service_state(self.due_on, self.warn_on, self.resolved_on)

    @strawberry.field(description="Demand type (configurable per module).")
    @prefetchable(once=True)
    def type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.type_id)

    @strawberry.field(description="Demand category within the type, when given.")
    @prefetchable(once=True)
    def category(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.category_id)

    @strawberry.field(description="How it reached the council.")
    @prefetchable(once=True)
    def channel(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.channel_id)

    @strawberry.field(description="The strategic objective it relates to.")
    @prefetchable(once=True)
    def strategic_objective(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.strategic_objective_id)

    @strawberry.field(description="The root causes recorded behind this presenting demand.")
    @prefetchable
    def underlying_demands(self, info: Info) -> list[DemandNode]:
        return settled(info.context.loaders.get(UnderlyingDemandsLoader).load(self.id))

    @strawberry.field(description="The presenting demands this root cause lies behind.")
    @prefetchable
    def presenting_demands(self, info: Info) -> list[DemandNode]:
        return settled(info.context.loaders.get(PresentingDemandsLoader).load(self.id))

    @strawberry.field(description="The case it belongs to.")
    @prefetchable
    def case(self, info: Info) -> Annotated[CaseNode, strawberry.lazy("pdms_core.cases.types")]:
        return row_of(info, CaseRecord, self.case_id)

    documents = documents_field("Demand", "demand")
