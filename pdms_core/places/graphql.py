"""GraphQL for places."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.types import Info

from pdms_core.errors import ValidationFailed
from pdms_core.graphql.arguments import described
from pdms_core.graphql.module_records import ModuleRecord, module_records
from pdms_core.graphql.node import ModelNode, decode_id, load_row
from pdms_core.graphql.permissions import query_field
from pdms_core.places.models import Place

READ = "core.places.read"


@strawberry.type(
    name="Place",
    description="A property or location. Properties carry the "
    "council gazetteer's UPRN; locations without one are flagged by `hasUprn`.",
)
class PlaceNode(ModelNode):
    model = Place
    read_permission = READ

    id: relay.NodeID[int]
    single_line_address: str = strawberry.field(description="The address on one line.")
    postcode: str | None = strawberry.field(description="Postcode, when the place has one.")

    @strawberry.field(
        description="Unique Property Reference Number (up to 12 digits), as "
        "text because it exceeds GraphQL's 32-bit Int."
    )
    def uprn(self) -> str | None:
        return None if self.uprn is None else str(self.uprn)

    @strawberry.field(description="False for places that are not in the gazetteer.")
    def has_uprn(self) -> bool:
        return self.uprn is not None

    @strawberry.field(description="What every installed module holds about this place.")
    async def module_records(
        self,
        info: Info,
        modules: Annotated[
            list[str] | None, strawberry.argument(description="Only these modules' records.")
        ] = None,
    ) -> list[ModuleRecord]:
        return await module_records(info, "Place", self.id, modules)


@strawberry.type
class PlaceQuery:
    @query_field(description="One place, by its global ID or by UPRN.", permission=READ)
    async def place(
        self,
        info: Info,
        id: Annotated[strawberry.ID | None, described("The place's global ID.")] = None,
        uprn: Annotated[str | None, described("The place's UPRN (digits).")] = None,
    ) -> PlaceNode | None:
        if (id is None) == (uprn is None):
            raise ValidationFailed("Give exactly one of `id` and `uprn`.", field="id")
        if id is not None:
            return await load_row(info, Place, decode_id(id, "Place"))
        if not (uprn.isdigit() and len(uprn) <= 12):
            raise ValidationFailed("A UPRN is 1 to 12 digits.", field="uprn")
        async with info.context.session() as session:
            return await session.scalar(select(Place).where(Place.uprn == int(uprn)))
