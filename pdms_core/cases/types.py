"""GraphQL types for cases and the records hanging off a case."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.auth.models import StaffUser, Team
from pdms_core.auth.staff_view import StaffMember, TeamSummary
from pdms_core.cases.loaders import (
    ActivitiesByCaseLoader,
    DemandsByCaseLoader,
    EffectsByCaseLoader,
    IntentionsByCaseLoader,
    LinksByCaseLoader,
    PartiesByCaseLoader,
    PausesByCaseLoader,
    PlacesByCaseLoader,
)
from pdms_core.cases.models import CaseRecord
from pdms_core.db.loaders import selected_joins
from pdms_core.documents.types import documents_field
from pdms_core.graphql.arguments import described
from pdms_core.graphql.node import (
    ModelNode,
    global_id,
    joined_or_row,
    lookup_value,
    row_of,
)
from pdms_core.graphql.prefetch import prefetchable, settled
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.people.models import Person
from pdms_core.people.types import PersonNode
from pdms_core.places.models import Place
from pdms_core.standards.working_days import working_days_between
from pdms_core.today import today

if TYPE_CHECKING:
    from pdms_core.activities.types import ActivityNode
    from pdms_core.conditions.types import SystemConditionEffectType
    from pdms_core.demands.types import DemandNode
    from pdms_core.intentions.types import IntentionNode, IntentionStatus
    from pdms_core.places.graphql import PlaceNode

READ = "core.cases.read"


@strawberry.type(description="A person's part in a case.")
class CaseParty:
    @strawberry.field(description="Global ID, for removeCaseParty.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("CaseParty", self.id))

    @strawberry.field(description="Subject, reporter, household member ... (configurable).")
    @prefetchable(once=True)
    def role(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.role_id)

    @strawberry.field(description="The person.")
    @prefetchable
    def person(self, info: Info) -> PersonNode:
        return joined_or_row(info, self, "person", Person, self.person_id)


@strawberry.type(description="A place a case is about.")
class CasePlace:
    @strawberry.field(description="Global ID, for removeCasePlace.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("CasePlace", self.id))

    @strawberry.field(description="The place.")
    @prefetchable
    def place(
        self, info: Info
    ) -> Annotated[PlaceNode, strawberry.lazy("pdms_core.places.graphql")]:
        return joined_or_row(info, self, "place", Place, self.place_id)


@strawberry.type(description="A link to a related case, seen from this case.")
class CaseLink:
    @strawberry.field(description="Global ID, for unlinkCases.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("CaseLink", self.id))

    note: str = strawberry.field(description="Why the cases are linked.")

    @strawberry.field(description="The other case.")
    @prefetchable
    def case(self, info: Info) -> CaseNode:
        return row_of(info, CaseRecord, self.related_case_id)


@strawberry.type(description="A period when the case waited on the customer.")
class CasePause:
    from_date: date = strawberry.field(description="First day of the pause.")
    to_date: date | None = strawberry.field(description="Last day; null while paused.")
    reason: str = strawberry.field(description="What the case waited for.")

    @strawberry.field(description="Working days the pause stopped the clock for (so far).")
    def working_days(self) -> int:
        return working_days_between(self.from_date, self.to_date or today())


@strawberry.type(name="Case", description="A problem someone brought to the council.")
class CaseNode(ModelNode):
    model = CaseRecord
    read_permission = READ

    id: relay.NodeID[int]
    reference: str = strawberry.field(description="Human-friendly reference, e.g. RA-000123.")
    module: str = strawberry.field(description="The owning module; `core` for generic cases.")
    summary: str = strawberry.field(description="What the case is about.")
    opened_on: date = strawberry.field(description="When it opened.")
    closed_on: date | None = strawberry.field(description="When it closed; null while open.")
    due_on: date | None = strawberry.field(
        description="When its last demand is due by the service standards (pauses included)."
    )
    paused_since: date | None = strawberry.field(
        description="Waiting on the customer since; null when not paused."
    )
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(description="True once closed.")
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @strawberry.field(description="Where the case is (configurable per module).")
    @prefetchable(once=True)
    def status(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.status_id)

    @strawberry.field(description="The owning team, when assigned.")
    @prefetchable
    def team(self, info: Info) -> TeamSummary | None:
        return row_of(info, Team, self.team_id)

    @strawberry.field(description="The owning officer, when assigned.")
    @prefetchable
    def officer(self, info: Info) -> StaffMember | None:
        return row_of(info, StaffUser, self.officer_id)

    @strawberry.field(description="The people involved and their roles.")
    @prefetchable
    def parties(self, info: Info) -> list[CaseParty]:
        joined = selected_joins(info, PartiesByCaseLoader)
        return settled(info.context.loaders.get(PartiesByCaseLoader, joined=joined).load(self.id))

    @strawberry.field(description="The places the case is about.")
    @prefetchable
    def places(self, info: Info) -> list[CasePlace]:
        joined = selected_joins(info, PlacesByCaseLoader)
        return settled(info.context.loaders.get(PlacesByCaseLoader, joined=joined).load(self.id))

    @strawberry.field(description="Related cases.")
    async def links(self, info: Info) -> list[CaseLink]:
        links = await info.context.loaders.get(LinksByCaseLoader).load(self.id)
        return [_seen_from(link, self.id) for link in links]

    @strawberry.field(description="Pauses while waiting on the customer, oldest first.")
    @prefetchable
    def pauses(self, info: Info) -> list[CasePause]:
        return settled(info.context.loaders.get(PausesByCaseLoader).load(self.id))

    @strawberry.field(description="The demands: presenting first, then underlying; oldest first.")
    @prefetchable
    def demands(
        self,
        info: Info,
        presenting: Annotated[
            bool | None, described("true: presenting only; false: underlying only.")
        ] = None,
    ) -> list[Annotated[DemandNode, strawberry.lazy("pdms_core.demands.types")]]:
        loader = info.context.loaders.get(DemandsByCaseLoader, presenting=presenting)
        return settled(loader.load(self.id))

    @strawberry.field(description="The work done, newest first.")
    @prefetchable
    def activities(
        self, info: Info
    ) -> list[Annotated[ActivityNode, strawberry.lazy("pdms_core.activities.types")]]:
        return settled(info.context.loaders.get(ActivitiesByCaseLoader).load(self.id))

    @strawberry.field(description="Follow-up actions, soonest due first.")
    @prefetchable
    def intentions(
        self,
        info: Info,
        status: Annotated[
            Annotated[IntentionStatus, strawberry.lazy("pdms_core.intentions.types")] | None,
            described("Only intentions in this state."),
        ] = None,
    ) -> list[Annotated[IntentionNode, strawberry.lazy("pdms_core.intentions.types")]]:
        loader = info.context.loaders.get(
            IntentionsByCaseLoader, status=status.value if status else None
        )
        return settled(loader.load(self.id))

    @strawberry.field(description="System conditions that held this case up.")
    @prefetchable
    def system_conditions(
        self, info: Info
    ) -> list[Annotated[SystemConditionEffectType, strawberry.lazy("pdms_core.conditions.types")]]:
        return settled(info.context.loaders.get(EffectsByCaseLoader).load(self.id))

    documents = documents_field("Case", "case")


def _seen_from(link: object, case_id: int) -> object:
    """A link row read from ``case_id``'s side: ``related_case_id`` is the other case."""
    if link.case_id == case_id:
        return link
    return SimpleNamespace(id=link.id, note=link.note, related_case_id=link.case_id)
