"""GraphQL types for people and the records that hang off them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.db.loaders import selected_joins
from pdms_core.documents.types import documents_field
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.module_records import ModuleRecord, module_records
from pdms_core.graphql.node import (
    ModelNode,
    global_id,
    joined_or_row,
    lookup_value,
    row_of,
)
from pdms_core.graphql.prefetch import prefetchable, settled
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.people.loaders import (
    AddressesByPersonLoader,
    ContactDetailsByPersonLoader,
    ExternalReferencesByPersonLoader,
    RelationshipsByPersonLoader,
)
from pdms_core.people.models import Person
from pdms_core.places.models import Place

if TYPE_CHECKING:
    from pdms_core.cases.types import CaseNode
    from pdms_core.linkage.graphql import DuplicateCandidate
    from pdms_core.places.graphql import PlaceNode
    from pdms_core.timeline.types import TimelineConnection

READ = "core.people.read"
CurrentOnly = Annotated[
    bool | None,
    described("true: only current (no end date); false: only past; omitted: both."),
]


@strawberry.type(description="A way to reach a person.")
class ContactDetail:
    @strawberry.field(description="Global ID, for removeContactDetail.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("ContactDetail", self.id))

    value: str = strawberry.field(description="The number or address as entered.")
    is_preferred: bool = strawberry.field(description="The preferred one of its kind.")

    @strawberry.field(description="Mobile, landline, email ... (configurable).")
    @prefetchable(once=True)
    def type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.type_id)


@strawberry.type(description="A reference to this person in another system.")
class ExternalReference:
    @strawberry.field(description="Global ID, for removeExternalReference.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("ExternalReference", self.id))

    value: str = strawberry.field(description="The reference, normalised.")

    @strawberry.field(description="NI number, NHS number, tenancy reference ... (configurable).")
    @prefetchable(once=True)
    def type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.type_id)


@strawberry.type(description="A period when a person was linked to a place in a role.")
class PersonAddress:
    @strawberry.field(description="Global ID, for endPersonAddress.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("PersonAddress", self.id))

    from_date: date | None = strawberry.field(description="From (when known).")
    to_date: date | None = strawberry.field(description="Until; null while current.")
    note: str = strawberry.field(description="Notes, e.g. re-pointing by a gazetteer import.")

    @strawberry.field(description="True while the period has no end date.")
    def is_current(self) -> bool:
        return self.to_date is None

    @strawberry.field(description="Home, correspondence ... (configurable).")
    @prefetchable(once=True)
    def role(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.role_id)

    @strawberry.field(description="The place.")
    @prefetchable
    def place(
        self, info: Info
    ) -> Annotated[PlaceNode, strawberry.lazy("pdms_core.places.graphql")]:
        return joined_or_row(info, self, "place", Place, self.place_id)

    @strawberry.field(description="The person.")
    @prefetchable
    def person(self, info: Info) -> PersonNode:
        return joined_or_row(info, self, "person", Person, self.person_id)


@strawberry.type(description="How this person is related to another, read from this person.")
class Relationship:
    @strawberry.field(description="Global ID, for removeRelationship.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Relationship", self.id))

    @strawberry.field(description="Parent of, partner of ... (configurable, with an inverse).")
    @prefetchable(once=True)
    def type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.type_id)

    @strawberry.field(description="The other person.")
    @prefetchable
    def related(self, info: Info) -> PersonNode:
        return joined_or_row(info, self, "related", Person, self.related_person_id)


@strawberry.type(name="Person", description="A resident or anyone else the council deals with.")
class PersonNode(ModelNode):
    # core.people.read holds on every path to a person, and every person an answer
    # carries is noted in the audit trail (graphql/type_guards.py).
    model = Person
    read_permission = READ
    personal_data = True

    id: relay.NodeID[int]
    title: str | None = strawberry.field(description="Mr, Ms, Dr ... when given.")
    forenames: str = strawberry.field(description="Given names.")
    surname: str = strawberry.field(description="Family name.")
    preferred_name: str | None = strawberry.field(description="What they like to be called.")
    date_of_birth: date | None = strawberry.field(description="Date of birth, when known.")
    date_of_death: date | None = strawberry.field(description="Date of death, when recorded.")
    notes: str = strawberry.field(description="Free-text notes.")
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(description="Title, forenames and surname on one line.")
    def full_name(self) -> str:
        return " ".join(filter(None, [self.title, self.forenames, self.surname]))

    @strawberry.field(description="True once archived: kept, but hidden from searches.")
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @strawberry.field(
        description="The person this one was merged into, when a reviewer merged them as a "
        "duplicate: their records are there now. Null otherwise."
    )
    def merged_into(self, info: Info) -> PersonNode | None:
        return row_of(info, Person, self.merged_into_id)

    @strawberry.field(description="Phone numbers, email addresses ..., preferred first.")
    @prefetchable
    def contact_details(self, info: Info) -> list[ContactDetail]:
        return settled(info.context.loaders.get(ContactDetailsByPersonLoader).load(self.id))

    @strawberry.field(description="References in other systems.")
    @prefetchable
    def external_references(self, info: Info) -> list[ExternalReference]:
        return settled(info.context.loaders.get(ExternalReferencesByPersonLoader).load(self.id))

    @strawberry.field(description="Address history, current first, then most recent.")
    @prefetchable
    def addresses(self, info: Info, current: CurrentOnly = None) -> list[PersonAddress]:
        joined = selected_joins(info, AddressesByPersonLoader)
        loader = info.context.loaders.get(AddressesByPersonLoader, current=current, joined=joined)
        return settled(loader.load(self.id))

    @strawberry.field(description="Relationships to other people.")
    @prefetchable
    def relationships(self, info: Info) -> list[Relationship]:
        joined = selected_joins(info, RelationshipsByPersonLoader)
        loader = info.context.loaders.get(RelationshipsByPersonLoader, joined=joined)
        return settled(loader.load(self.id))

    @strawberry.field(description="Cases this person is a party to, newest first.")
    @prefetchable
    async def cases(
        self,
        info: Info,
        open: Annotated[
            bool | None, described("true: open cases only; false: closed only; omitted: both.")
        ] = None,
    ) -> list[Annotated[CaseNode, strawberry.lazy("pdms_core.cases.types")]]:
        from pdms_core.timeline.types import cases_of

        return await cases_of(info, person_id=self.id, open=open)

    @strawberry.field(
        description="Every case, demand, activity and intention touching this person, "
        "across all modules, newest first."
    )
    @prefetchable
    async def timeline(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[TimelineConnection, strawberry.lazy("pdms_core.timeline.types")]:
        from pdms_core.timeline.types import timeline_connection

        return await timeline_connection(info, person_id=self.id, first=first, after=after)

    @strawberry.field(description="What every installed module holds about this person.")
    @prefetchable
    async def module_records(
        self,
        info: Info,
        modules: Annotated[list[str] | None, described("Only these modules' records.")] = None,
    ) -> list[ModuleRecord]:
        return await module_records(info, "Person", self.id, modules)

    @strawberry.field(
        description="People this one may duplicate, most likely first: the duplicate "
        "model's online check, as a front end runs it after createPerson (empty until the "
        "model is trained; docs/linkage.md)."
    )
    async def duplicate_candidates(
        self,
        info: Info,
        first: Annotated[int, described("At most this many (1 to 20).")] = 5,
    ) -> list[Annotated[DuplicateCandidate, strawberry.lazy("pdms_core.linkage.graphql")]]:
        from pdms_core.linkage.graphql import candidates_of_person

        return await candidates_of_person(info, self.id, first)

    documents = documents_field("Person", "person")
