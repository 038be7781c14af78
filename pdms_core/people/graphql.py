"""People: root query fields and mutations.

Every mutation edits the Person aggregate and returns it in a ``PersonPayload``; edits
of a person's records take the person's ``expectedVersion`` so concurrent edits
conflict (CONFLICT) instead of overwriting each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import partial_fields
from pdms_core.graphql.node import decode_id, load_row
from pdms_core.graphql.pagination import Connection, search_connection
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.people import addresses, relationships, services
from pdms_core.people.models import Person
from pdms_core.people.search import PersonSearch, search_people
from pdms_core.people.services import PersonFields
from pdms_core.people.types import READ, PersonNode

WRITE = "core.people.write"


PersonPayload = payload_type(
    "PersonPayload",
    "person",
    PersonNode,
    description="Result of changing a person or their records.",
)


@strawberry.input(description="A person's details. On update, omitted fields stay as they are.")
class PersonInput:
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Mr, Ms, Dr ...")
    forenames: str | None = strawberry.field(default=strawberry.UNSET, description="Given names.")
    surname: str | None = strawberry.field(default=strawberry.UNSET, description="Family name.")
    preferred_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="What they like to be called."
    )
    date_of_birth: date | None = strawberry.field(
        default=strawberry.UNSET, description="Date of birth."
    )
    date_of_death: date | None = strawberry.field(
        default=strawberry.UNSET, description="Date of death."
    )
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="Notes.")

    def fields(self) -> PersonFields:
        return partial_fields(self, PersonFields)


@strawberry.input(description="Which person, at which version.")
class PersonVersionInput:
    id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.input(
    description="A record of a person (contact detail, reference, address or "
    "relationship) and the person's version."
)
class PersonRecordInput:
    id: strawberry.ID = strawberry.field(description="The record's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")


@strawberry.input(description="A new contact detail.")
class AddContactDetailInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")
    type_code: str = strawberry.field(description="A contact_detail_type code, e.g. `mobile`.")
    value: str = strawberry.field(description="The number or address.")
    preferred: bool = strawberry.field(
        default=False, description="Make it the preferred one of its kind."
    )


@strawberry.input(description="A new external reference.")
class AddExternalReferenceInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")
    type_code: str = strawberry.field(description="An external_reference_type code.")
    value: str = strawberry.field(description="The reference; checked against the type's format.")


@strawberry.input(description="A new address period.")
class AddPersonAddressInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")
    place_id: strawberry.ID = strawberry.field(description="The place's global ID.")
    role_code: str = strawberry.field(description="An address_role code, e.g. `home`.")
    from_date: date | None = strawberry.field(default=None, description="From, when known.")
    to_date: date | None = strawberry.field(default=None, description="Until; omit if current.")


@strawberry.input(description="The end of an address period.")
class EndPersonAddressInput:
    id: strawberry.ID = strawberry.field(description="The address period's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")
    to_date: date = strawberry.field(description="The last day at the address.")


@strawberry.input(description="A move to a new home.")
class MovePersonHomeInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")
    place_id: strawberry.ID = strawberry.field(description="The new home's global ID.")
    from_date: date = strawberry.field(description="The first day at the new home.")


@strawberry.input(description="A new relationship, recorded with its inverse.")
class AddRelationshipInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(description="The person's version you read.")
    related_person_id: strawberry.ID = strawberry.field(description="The other person.")
    type_code: str = strawberry.field(
        description="A relationship_type code, read from the person, e.g. `parent`."
    )


Action = Callable[[AsyncSession], Awaitable[Person]]


async def _payload(info: Info, action: Action) -> PersonPayload:
    person, errors = await run_mutation(info, action)
    return PersonPayload(person=person, errors=errors)


def _person_id(value: strawberry.ID, field: str = "personId") -> int:
    return decode_id(value, "Person", field=field)


@strawberry.input(description="What to look for; every criterion given must hold.")
class PersonSearchInput:
    name: str | None = strawberry.field(
        default=None,
        description="Any part of the name, in any order; typos and nicknames are tolerated.",
    )
    date_of_birth: date | None = strawberry.field(default=None, description="Exact date.")
    postcode: str | None = strawberry.field(
        default=None, description="Of a current or past address."
    )
    reference: str | None = strawberry.field(
        default=None,
        description="An external reference of any type (NI number, tenancy reference ...).",
    )
    contact: str | None = strawberry.field(default=None, description="A phone number or email.")
    include_archived: bool = strawberry.field(default=False, description="Include archived people.")


@strawberry.type
class PeopleQuery:
    @query_field(description="Find people, best match first.", permission=READ)
    async def people(
        self,
        info: Info,
        search: Annotated[
            PersonSearchInput, described("What to look for: at least one criterion.")
        ],
        first: First = None,
        after: After = None,
    ) -> Connection[PersonNode]:
        return await search_connection(
            info, search_people, PersonSearch(**vars(search)), first=first, after=after
        )

    @query_field(description="One person by global ID.", permission=READ)
    async def person(
        self, info: Info, id: Annotated[strawberry.ID, described("The person's global ID.")]
    ) -> PersonNode | None:
        return await load_row(info, Person, decode_id(id, "Person"))


@strawberry.type
class PeopleMutation:
    @mutation_field(description="Record a new person.", permission=WRITE)
    async def create_person(
        self,
        info: Info,
        input: Annotated[
            PersonInput, described("The person's details; forenames and surname are required.")
        ],
    ) -> PersonPayload:
        return await _payload(
            info, lambda s: services.create_person(s, info.context.actor, input.fields())
        )

    @mutation_field(description="Change a person's details.", permission=WRITE)
    async def update_person(
        self,
        info: Info,
        person: Annotated[PersonVersionInput, described("Which person.")],
        input: Annotated[PersonInput, described("What to change.")],
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: services.update_person(
                s,
                info.context.actor,
                person_id=_person_id(person.id, "id"),
                expected_version=person.expected_version,
                fields=input.fields(),
            ),
        )

    @mutation_field(
        description="Archive a person: hidden from searches, history kept.", permission=WRITE
    )
    async def archive_person(
        self, info: Info, input: Annotated[PersonVersionInput, described("Which person.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: services.archive_person(
                s,
                info.context.actor,
                person_id=_person_id(input.id, "id"),
                expected_version=input.expected_version,
            ),
        )

    @mutation_field(description="Add a phone number, email address ...", permission=WRITE)
    async def add_contact_detail(
        self, info: Info, input: Annotated[AddContactDetailInput, described("The contact detail.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: services.add_contact_detail(
                s,
                info.context.actor,
                person_id=_person_id(input.person_id),
                expected_version=input.expected_version,
                type_code=input.type_code,
                value=input.value,
                preferred=input.preferred,
            ),
        )

    @mutation_field(description="Remove a contact detail.", permission=WRITE)
    async def remove_contact_detail(
        self, info: Info, input: Annotated[PersonRecordInput, described("Which contact detail.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: services.remove_contact_detail(
                s,
                info.context.actor,
                contact_detail_id=decode_id(input.id, "ContactDetail"),
                expected_version=input.expected_version,
            ),
        )

    @mutation_field(description="Record a reference from another system.", permission=WRITE)
    async def add_external_reference(
        self, info: Info, input: Annotated[AddExternalReferenceInput, described("The reference.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: services.add_external_reference(
                s,
                info.context.actor,
                person_id=_person_id(input.person_id),
                expected_version=input.expected_version,
                type_code=input.type_code,
                value=input.value,
            ),
        )

    @mutation_field(description="Remove an external reference.", permission=WRITE)
    async def remove_external_reference(
        self, info: Info, input: Annotated[PersonRecordInput, described("Which reference.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: services.remove_external_reference(
                s,
                info.context.actor,
                reference_id=decode_id(input.id, "ExternalReference"),
                expected_version=input.expected_version,
            ),
        )

    @mutation_field(description="Link a person to a place in a role.", permission=WRITE)
    async def add_person_address(
        self, info: Info, input: Annotated[AddPersonAddressInput, described("The address period.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: addresses.add_address(
                s,
                info.context.actor,
                person_id=_person_id(input.person_id),
                expected_version=input.expected_version,
                place_id=decode_id(input.place_id, "Place", field="placeId"),
                role_code=input.role_code,
                from_date=input.from_date,
                to_date=input.to_date,
            ),
        )

    @mutation_field(description="End an address period.", permission=WRITE)
    async def end_person_address(
        self,
        info: Info,
        input: Annotated[EndPersonAddressInput, described("Which period, and when it ended.")],
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: addresses.end_address(
                s,
                info.context.actor,
                address_id=decode_id(input.id, "PersonAddress"),
                expected_version=input.expected_version,
                to_date=input.to_date,
            ),
        )

    @mutation_field(
        description="Move a person to a new home, ending the current one the day before.",
        permission=WRITE,
    )
    async def move_person_home(
        self,
        info: Info,
        input: Annotated[MovePersonHomeInput, described("The new home and the date.")],
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: addresses.move_home(
                s,
                info.context.actor,
                person_id=_person_id(input.person_id),
                expected_version=input.expected_version,
                place_id=decode_id(input.place_id, "Place", field="placeId"),
                from_date=input.from_date,
            ),
        )

    @mutation_field(description="Record a relationship and its inverse.", permission=WRITE)
    async def add_relationship(
        self, info: Info, input: Annotated[AddRelationshipInput, described("The relationship.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: relationships.add_relationship(
                s,
                info.context.actor,
                person_id=_person_id(input.person_id),
                expected_version=input.expected_version,
                related_person_id=_person_id(input.related_person_id, "relatedPersonId"),
                type_code=input.type_code,
            ),
        )

    @mutation_field(description="Remove a relationship and its inverse.", permission=WRITE)
    async def remove_relationship(
        self, info: Info, input: Annotated[PersonRecordInput, described("Which relationship.")]
    ) -> PersonPayload:
        return await _payload(
            info,
            lambda s: relationships.remove_relationship(
                s,
                info.context.actor,
                relationship_id=decode_id(input.id, "Relationship"),
                expected_version=input.expected_version,
            ),
        )
