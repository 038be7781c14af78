"""GraphQL for places."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.types import Info

from pdms_core.db.loaders import selected_joins
from pdms_core.documents.types import documents_field
from pdms_core.errors import PermissionDenied, ValidationFailed
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.module_records import ModuleRecord, module_records
from pdms_core.graphql.node import ModelNode, decode_id, load_row
from pdms_core.graphql.pagination import Connection, search_connection
from pdms_core.graphql.permissions import query_field
from pdms_core.graphql.prefetch import prefetchable, settled
from pdms_core.people.loaders import AddressesByPlaceLoader
from pdms_core.people.types import READ as PEOPLE_READ
from pdms_core.people.types import CurrentOnly, PersonAddress
from pdms_core.places.address import AddressParts, address_lines
from pdms_core.places.models import HISTORICAL, Place
from pdms_core.places.search import PlaceSearch, search_places

if TYPE_CHECKING:
    from pdms_core.cases.types import CaseNode
    from pdms_core.timeline.types import TimelineConnection

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
    ward_code: str | None = strawberry.field(description="Electoral ward (GSS code).")

    usrn: int | None = strawberry.field(description="Unique Street Reference Number.")
    street: str | None = strawberry.field(description="Street description.")
    organisation: str | None = strawberry.field(description="Organisation at the address.")
    sao_text: str | None = strawberry.field(
        description="BS 7666 secondary object text, e.g. 'Flat 2'."
    )
    pao_text: str | None = strawberry.field(
        description="BS 7666 primary object text, e.g. 'Rose Cottage'."
    )
    locality: str | None = strawberry.field(description="Locality.")
    town: str | None = strawberry.field(description="Town.")
    administrative_area: str | None = strawberry.field(description="Administrative area.")
    easting: float | None = strawberry.field(description="British National Grid easting (m).")
    northing: float | None = strawberry.field(description="British National Grid northing (m).")
    latitude: float | None = strawberry.field(description="WGS84 latitude.")
    longitude: float | None = strawberry.field(description="WGS84 longitude.")
    classification_code: str | None = strawberry.field(
        description="Gazetteer classification, e.g. RD04."
    )
    logical_status: int | None = strawberry.field(
        description="Gazetteer logical status: 1 "
        "approved, 3 alternative, 5 candidate, 6 "
        "provisional, 8 historical, 9 rejected."
    )
    blpu_state: int | None = strawberry.field(
        description="BLPU state: 1 under construction, 2 "
        "in use, 3 unoccupied, 4 demolished, 6 planning "
        "permission granted."
    )
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(
        description="Unique Property Reference Number (up to 12 digits), as "
        "text because it exceeds GraphQL's 32-bit Int."
    )
    def uprn(self) -> str | None:
        return None if self.uprn is None else str(self.uprn)

    @strawberry.field(description="UPRN of the parent property (the building of a flat).")
    def parent_uprn(self) -> str | None:
        return None if self.parent_uprn is None else str(self.parent_uprn)

    @strawberry.field(description="False for places that are not in the gazetteer.")
    def has_uprn(self) -> bool:
        return self.uprn is not None

    @strawberry.field(description="True when the gazetteer has retired this place (status 8).")
    def is_historical(self) -> bool:
        return self.logical_status == HISTORICAL

    @strawberry.field(description="The address as lines (BS 7666 order), postcode last.")
    def address_lines(self) -> list[str]:
        return address_lines(AddressParts.of(self))

    @strawberry.field(
        description="People linked to this place (residents, correspondence "
        "addresses ...), current first."
    )
    @prefetchable
    def residents(self, info: Info, current: CurrentOnly = None) -> list[PersonAddress]:
        if not info.context.actor.has(PEOPLE_READ):
            raise PermissionDenied(f"This needs the permission {PEOPLE_READ}.")
        joined = selected_joins(info, AddressesByPlaceLoader)
        loader = info.context.loaders.get(AddressesByPlaceLoader, current=current, joined=joined)
        return settled(loader.load(self.id))

    @strawberry.field(description="Cases about this place, newest first.")
    @prefetchable
    async def cases(
        self,
        info: Info,
        open: Annotated[
            bool | None, described("true: open cases only; false: closed only; omitted: both.")
        ] = None,
    ) -> list[Annotated[CaseNode, strawberry.lazy("pdms_core.cases.types")]]:
        from pdms_core.timeline.types import cases_of

        return await cases_of(info, place_id=self.id, open=open)

    @strawberry.field(
        description="Every case, demand, activity and intention about this place, across "
        "all modules, newest first."
    )
    @prefetchable
    async def timeline(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[TimelineConnection, strawberry.lazy("pdms_core.timeline.types")]:
        from pdms_core.timeline.types import timeline_connection

        return await timeline_connection(info, place_id=self.id, first=first, after=after)

    @strawberry.field(description="What every installed module holds about this place.")
    @prefetchable
    async def module_records(
        self,
        info: Info,
        modules: Annotated[
            list[str] | None, strawberry.argument(description="Only these modules' records.")
        ] = None,
    ) -> list[ModuleRecord]:
        return await module_records(info, "Place", self.id, modules)

    documents = documents_field("Place", "place")


@strawberry.input(description="What to look for; every criterion given must hold.")
class PlaceSearchInput:
    text: str | None = strawberry.field(
        default=None,
        description="Words of the address in any order; typos and abbreviations are tolerated.",
    )
    postcode: str | None = strawberry.field(default=None, description="Exact postcode.")
    uprn: str | None = strawberry.field(default=None, description="Exact UPRN.")


@strawberry.type
class PlaceQuery:
    @query_field(description="Find places, best match first.", permission=READ)
    async def places(
        self,
        info: Info,
        search: Annotated[PlaceSearchInput, described("What to look for: at least one criterion.")],
        first: First = None,
        after: After = None,
    ) -> Connection[PlaceNode]:
        return await search_connection(
            info, search_places, PlaceSearch(**vars(search)), first=first, after=after
        )

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
