"""Root query fields."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pdms_core.plugin import (
    After,
    Connection,
    First,
    decode_id,
    described,
    keyset_page,
    query_field,
)
from sqlalchemy import or_, select
from strawberry.types import Info

from pdms_customer_interactions.graphql.caller import CustomerInteractionsCallerQuery
from pdms_customer_interactions.graphql.rules import CustomerInteractionsRulesQuery
from pdms_customer_interactions.graphql.types import CustomerInteractionsInteraction
from pdms_customer_interactions.models import Interaction
from pdms_customer_interactions.permissions import READ


@strawberry.type
class CustomerInteractionsContactsQuery:
    @query_field(
        description="Contacts, newest first; of a person and/or about a place when given.",
        permission=READ,
    )
    async def customer_interactions_contacts(
        self,
        info: Info,
        person_id: Annotated[
            strawberry.ID | None, described("Only this person's contacts.")
        ] = None,
        place_id: Annotated[
            strawberry.ID | None, described("Only contacts about this place.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[CustomerInteractionsInteraction]:
        statement = select(Interaction)
        wanted = []
        if person_id is not None:
            wanted.append(Interaction.person_id == decode_id(person_id, "Person", field="personId"))
        if place_id is not None:
            wanted.append(Interaction.place_id == decode_id(place_id, "Place", field="placeId"))
        if wanted:
            statement = statement.where(or_(*wanted))
        async with info.context.session() as session:
            page = await keyset_page(
                session, statement, [-Interaction.id], first=first, after=after
            )
        return page.connection()


@strawberry.type
class CustomerInteractionsQuery(
    CustomerInteractionsContactsQuery,
    CustomerInteractionsCallerQuery,
    CustomerInteractionsRulesQuery,
):
    """Every root query field of the module."""
