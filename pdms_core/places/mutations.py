"""GraphQL mutations for places made by hand (provisional, without a UPRN)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import partial_fields
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field
from pdms_core.places import manual
from pdms_core.places.graphql import PlaceNode

WRITE = "core.places.write"
U = strawberry.UNSET

PlacePayload = payload_type(
    "PlacePayload", "place", PlaceNode, description="Result of changing a place."
)


@strawberry.input(
    description="A place made by hand (a new build, a park, a lay-by): its address parts, "
    "or its position, or both. On update, omitted fields stay as they are."
)
class PlaceInput:
    sao_text: str | None = strawberry.field(default=U, description="E.g. 'Flat 2'.")
    pao_start_number: int | None = strawberry.field(default=U, description="Building number.")
    pao_text: str | None = strawberry.field(
        default=U, description="Building or site name, e.g. 'Riverside play area'."
    )
    organisation: str | None = strawberry.field(default=U, description="Organisation there.")
    street: str | None = strawberry.field(default=U, description="Street.")
    locality: str | None = strawberry.field(default=U, description="Locality.")
    town: str | None = strawberry.field(default=U, description="Town.")
    postcode: str | None = strawberry.field(default=U, description="UK postcode.")
    ward_code: str | None = strawberry.field(default=U, description="Ward, e.g. E05000001.")
    latitude: float | None = strawberry.field(default=U, description="WGS84 latitude.")
    longitude: float | None = strawberry.field(default=U, description="WGS84 longitude.")


@strawberry.input(description="Which place, at which version.")
class PlaceVersionInput:
    id: strawberry.ID = strawberry.field(description="The place's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.type
class PlaceMutation:
    @mutation_field(
        description="Make a place the gazetteer does not know yet; it is provisional "
        "(logical status 6, no UPRN) until matched to its UPRN.",
        permission=WRITE,
    )
    async def create_place(
        self, info: Info, input: Annotated[PlaceInput, described("The place.")]
    ) -> PlacePayload:
        place, errors = await run_mutation(
            info,
            lambda s: manual.create_place(
                s, info.context.actor, partial_fields(input, manual.PlaceFields)
            ),
        )
        return PlacePayload(place=place, errors=errors)

    @mutation_field(
        description="Change a place made by hand (gazetteer places change only through "
        "the gazetteer import).",
        permission=WRITE,
    )
    async def update_place(
        self,
        info: Info,
        place: Annotated[PlaceVersionInput, described("Which place.")],
        input: Annotated[PlaceInput, described("What to change.")],
    ) -> PlacePayload:
        saved, errors = await run_mutation(
            info,
            lambda s: manual.update_place(
                s,
                info.context.actor,
                place_id=decode_id(place.id, "Place", field="placeId"),
                expected_version=place.expected_version,
                fields=partial_fields(input, manual.PlaceFields),
            ),
        )
        return PlacePayload(place=saved, errors=errors)

    @mutation_field(
        description="Give a place made by hand its UPRN. When the gazetteer place is "
        "already here, everything about the provisional place (cases, addresses, module "
        "records, documents) moves to it and the provisional place goes; the payload is "
        "the place that now stands for it.",
        permission=WRITE,
    )
    async def match_place_to_uprn(
        self,
        info: Info,
        place: Annotated[PlaceVersionInput, described("The provisional place.")],
        uprn: Annotated[str, described("Its UPRN (up to 12 digits).")],
    ) -> PlacePayload:
        matched, errors = await run_mutation(
            info,
            lambda s: manual.match_place_to_uprn(
                s,
                info.context.actor,
                place_id=decode_id(place.id, "Place", field="placeId"),
                expected_version=place.expected_version,
                uprn=uprn,
            ),
        )
        return PlacePayload(place=matched, errors=errors)
