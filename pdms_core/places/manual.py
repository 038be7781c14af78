"""Places made by hand before the gazetteer knows them: new builds, a park, a lay-by.

Such a place has no UPRN and the gazetteer's *provisional* logical status (6). Staff
create and edit it; gazetteer places change only through the gazetteer import. When
the gazetteer brings its UPRN, matching does one of two things: if the gazetteer place
is already here, every reference to the provisional place (cases, addresses, module
records, documents) moves to it and the provisional place goes; if not, the place takes
the UPRN, and the next gazetteer import fills it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.db.unit_of_work import expect_version
from pdms_core.errors import NotAllowed, NotFound, ValidationFailed
from pdms_core.partial import UNSET, PartialFields
from pdms_core.places.address import AddressParts, is_uk_postcode, normalise_postcode, single_line
from pdms_core.places.models import PROVISIONAL, Place
from pdms_core.places.references import move_place_references

MAX_TEXT = 100
WARD = re.compile(r"^[A-Z][0-9]{8}$")
MAX_UPRN = 999_999_999_999
#: Great Britain and Northern Ireland, with their islands, generously.
LATITUDES, LONGITUDES = (49.0, 61.5), (-8.9, 2.1)
TEXT_FIELDS = {
    "sao_text": "saoText",
    "pao_text": "paoText",
    "organisation": "organisation",
    "street": "street",
    "locality": "locality",
    "town": "town",
}


@dataclass
class PlaceFields(PartialFields):
    """A hand-made place's details; on update, ``UNSET`` fields stay as they are."""

    sao_text: object = UNSET
    pao_start_number: object = UNSET
    pao_text: object = UNSET
    organisation: object = UNSET
    street: object = UNSET
    locality: object = UNSET
    town: object = UNSET
    postcode: object = UNSET
    ward_code: object = UNSET
    latitude: object = UNSET
    longitude: object = UNSET


def _text(value: object, field: str) -> str | None:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"At most {MAX_TEXT} characters.", field=field)
    return text or None


def _apply(place: Place, given: dict[str, object]) -> None:
    for name, field in TEXT_FIELDS.items():
        if name in given:
            setattr(place, name, _text(given[name], field))
    if "pao_start_number" in given:
        number = given["pao_start_number"]
        if number is not None and not 0 < int(number) <= 99_999:  # type: ignore[call-overload]
            raise ValidationFailed("A building number is 1-99999.", field="paoStartNumber")
        place.pao_start_number = number  # type: ignore[assignment]
    if "postcode" in given:
        postcode = normalise_postcode(given["postcode"])  # type: ignore[arg-type]
        if postcode is not None and not is_uk_postcode(postcode):
            raise ValidationFailed("That is not a UK postcode.", field="postcode")
        place.postcode = postcode
    if "ward_code" in given:
        ward = str(given["ward_code"] or "").strip().upper() or None
        if ward is not None and not WARD.match(ward):
            raise ValidationFailed("A ward code looks like E05000001.", field="wardCode")
        place.ward_code = ward
    for name, (low, high) in (("latitude", LATITUDES), ("longitude", LONGITUDES)):
        if name in given:
            value = given[name]
            if value is not None and not low <= float(value) <= high:  # type: ignore[arg-type]
                raise ValidationFailed(f"A UK {name} is {low} to {high}.", field=name)
            setattr(place, name, value)
    if (place.latitude is None) != (place.longitude is None):
        raise ValidationFailed("Give both latitude and longitude, or neither.", field="latitude")
    place.single_line_address = single_line(AddressParts.of(place))
    if not place.single_line_address and place.latitude is None:
        raise ValidationFailed(
            "Describe the place (a name, number or street) or give its position.",
            field="paoText",
        )
    if not place.single_line_address:
        place.single_line_address = f"Near {place.latitude:.5f}, {place.longitude:.5f}"


async def create_place(session: AsyncSession, actor: Actor, fields: PlaceFields) -> Place:
    """A provisional place with no UPRN."""
    place = Place(uprn=None, logical_status=PROVISIONAL)
    _apply(place, fields.given())
    session.add(place)
    await session.flush()
    return place


async def _provisional(
    session: AsyncSession, place_id: int, expected_version: int, field: str = "placeId"
) -> Place:
    place = await session.get(Place, place_id, populate_existing=True)
    if place is None:
        raise NotFound("There is no such place.", field=field)
    expect_version(place, expected_version)
    if place.uprn is not None:
        raise NotAllowed(
            "Places with a UPRN change only through the gazetteer import.", field=field
        )
    return place


async def update_place(
    session: AsyncSession,
    actor: Actor,
    *,
    place_id: int,
    expected_version: int,
    fields: PlaceFields,
) -> Place:
    place = await _provisional(session, place_id, expected_version)
    _apply(place, fields.given())
    await session.flush()
    return place


async def match_place_to_uprn(
    session: AsyncSession, actor: Actor, *, place_id: int, expected_version: int, uprn: str
) -> Place:
    """Give a provisional place its UPRN; returns the place that now stands for it."""
    if not uprn.strip().isdigit() or not 0 < int(uprn) <= MAX_UPRN:
        raise ValidationFailed("A UPRN is up to 12 digits.", field="uprn")
    place = await _provisional(session, place_id, expected_version)
    known = await session.scalar(select(Place.id).where(Place.uprn == int(uprn)))
    if known is None:
        place.uprn = int(uprn)
        await session.flush()
        return place
    await move_place_references(session, place.id, known)
    await session.delete(place)
    await session.flush()
    found = await session.get(Place, known, populate_existing=True)
    assert found is not None
    return found
