"""GraphQL types for intentions."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.auth.models import StaffUser, Team
from pdms_core.auth.staff_view import StaffMember, TeamSummary
from pdms_core.cases.models import CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.graphql.node import ModelNode, load_row, lookup_value
from pdms_core.intentions.models import OPEN, Intention
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.people.models import Person
from pdms_core.places.models import Place
from pdms_core.today import today

if TYPE_CHECKING:
    from pdms_core.cases.types import CaseNode
    from pdms_core.demands.types import DemandNode
    from pdms_core.people.types import PersonNode
    from pdms_core.places.graphql import PlaceNode

READ = "core.cases.read"


@strawberry.enum(description="Where an intention stands.")
class IntentionStatus(Enum):
    OPEN = strawberry.enum_value("open", description="Still to do.")
    DONE = strawberry.enum_value("done", description="Done.")
    CANCELLED = strawberry.enum_value("cancelled", description="No longer needed.")


@strawberry.type(name="Intention", description="A follow-up action due by a date.")
class IntentionNode(ModelNode):
    model = Intention
    read_permission = READ

    id: relay.NodeID[int]
    description: str = strawberry.field(description="What is to be done.")
    due_on: date = strawberry.field(description="When it is due.")
    completed_on: date | None = strawberry.field(description="When it was done or cancelled.")
    completion_note: str = strawberry.field(description="Note made when finishing it.")
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(description="Open, done or cancelled.")
    def status(self) -> IntentionStatus:
        return IntentionStatus(self.status)

    @strawberry.field(description="Open and past its due date.")
    def is_overdue(self) -> bool:
        return self.status == OPEN and self.due_on < today()

    @strawberry.field(description="Intention type (configurable per module).")
    def type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.type_id)

    @strawberry.field(description="The officer it is assigned to.")
    async def officer(self, info: Info) -> StaffMember | None:
        return await load_row(info, StaffUser, self.officer_id)

    @strawberry.field(description="The team it is assigned to.")
    async def team(self, info: Info) -> TeamSummary | None:
        return await load_row(info, Team, self.team_id)

    @strawberry.field(description="The demand it follows up, when given.")
    async def demand(
        self, info: Info
    ) -> Annotated[DemandNode, strawberry.lazy("pdms_core.demands.types")] | None:
        return await load_row(info, Demand, self.demand_id)

    @strawberry.field(description="The case; null for an intention on a person or a place.")
    async def case(
        self, info: Info
    ) -> Annotated[CaseNode, strawberry.lazy("pdms_core.cases.types")] | None:
        return await load_row(info, CaseRecord, self.case_id)

    @strawberry.field(description="The person it is on, when it has no case.")
    async def person(
        self, info: Info
    ) -> Annotated[PersonNode, strawberry.lazy("pdms_core.people.types")] | None:
        return await load_row(info, Person, self.person_id)

    @strawberry.field(description="The place it is on, when it has no case.")
    async def place(
        self, info: Info
    ) -> Annotated[PlaceNode, strawberry.lazy("pdms_core.places.graphql")] | None:
        return await load_row(info, Place, self.place_id)
