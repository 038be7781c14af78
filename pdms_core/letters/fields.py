"""Merge fields from the graph: people, places, cases, and the fields every letter has.

Providers return plain values, ``datetime.date`` for dates (the letters service writes
them the British way) and :class:`MissingField` where the record lacks something, with
the reason in words an officer can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.models import StaffUser, Team, TeamMembership
from pdms_core.auth.permissions import user_id_of
from pdms_core.letters.formatting import full_name, salutation
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.people.lookups import ADDRESS_ROLE
from pdms_core.people.models import Person, PersonAddress
from pdms_core.places.address import AddressParts, address_lines
from pdms_core.places.models import Place
from pdms_core.records import LetterField, MissingField
from pdms_core.settings import Settings
from pdms_core.today import today

F = LetterField

#: Fields core fills for every purpose, whatever its record.
COMMON_LETTER_FIELDS = (
    F("today", "Today's date, the British way.", "7 December 2026"),
    F("council_name", "The council's name (setting PDMS_COUNCIL_NAME).", "Testville Council"),
    F("officer_name", "The officer generating the letter.", "Sam Officer"),
    F("officer_team", "The officer's team (the first of their teams by name).", "Housing Needs"),
)

#: Fields about the person a letter is addressed to.
RECIPIENT_LETTER_FIELDS = (
    F("title", "Their title (Mr, Ms, Dr ...); empty when not recorded.", "Ms"),
    F("forenames", "Their given names.", "Alex"),
    F("surname", "Their family name.", "Doe"),
    F("full_name", "Title, forenames and surname.", "Ms Alex Doe"),
    F("salutation", "'Dear' and title and surname (or full name without a title).", "Dear Ms Doe"),
    F(
        "correspondence_address",
        "Where to send their post, one address line per line, postcode last: their "
        "current correspondence address, else their current home.",
        "Flat 2\n14 High Street\nTestville\nTE1 1ST",
    ),
    F("correspondence_address_lines", "The same address as a list of lines, for a loop."),
    F("correspondence_postcode", "The postcode of that address.", "TE1 1ST"),
)

#: Fields about the place a letter is about.
PLACE_LETTER_FIELDS = (
    F("place_address", "The place's address, one line per line, postcode last.", "14 High Street"),
    F("place_address_lines", "The same address as a list of lines, for a loop."),
    F("place_postcode", "The place's postcode.", "TE1 1ST"),
    F("place_uprn", "The place's UPRN, when it has one.", "100012345678"),
)


def place_address_lines(place: Any) -> list[str]:
    """The address of a place as lines, postcode on its own line (BS 7666 parts, or the
    single-line address split at its commas for a place recorded without parts)."""
    lines = address_lines(AddressParts.of(place))
    if not lines and place.single_line_address:
        lines = [part.strip() for part in place.single_line_address.split(",") if part.strip()]
    return lines


async def place_letter_fields(session: AsyncSession, place_id: int | None) -> dict[str, Any]:
    """:data:`PLACE_LETTER_FIELDS` for a place (each missing when there is none)."""
    place = None if place_id is None else await session.get(Place, place_id)
    if place is None:
        gone = MissingField("there is no place to take the address from")
        return {field.name: gone for field in PLACE_LETTER_FIELDS}
    lines = place_address_lines(place)
    return {
        "place_address": "\n".join(lines),
        "place_address_lines": lines,
        "place_postcode": place.postcode
        or MissingField(f"{place.single_line_address} has no postcode"),
        "place_uprn": str(place.uprn)
        if place.uprn is not None
        else MissingField(f"{place.single_line_address} has no UPRN"),
    }


async def correspondence_place(
    session: AsyncSession, person_id: int, on: date | None = None
) -> Place | None:
    """The place a person's post goes to on ``on`` (today): their current
    correspondence address, else their current home; the latest started first."""
    on = on or today()
    preferred = case((LookupValue.code == "correspondence", 0), else_=1)
    return await session.scalar(
        select(Place)
        .join(PersonAddress, PersonAddress.place_id == Place.id)
        .join(LookupValue, LookupValue.id == PersonAddress.role_id)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(
            PersonAddress.person_id == person_id,
            LookupSet.code == ADDRESS_ROLE,
            LookupValue.code.in_(("correspondence", "home")),
            or_(PersonAddress.from_date.is_(None), PersonAddress.from_date <= on),
            or_(PersonAddress.to_date.is_(None), PersonAddress.to_date >= on),
        )
        .order_by(
            preferred,
            PersonAddress.from_date.is_(None),
            PersonAddress.from_date.desc(),
            PersonAddress.id.desc(),
        )
        .limit(1)
    )


async def recipient_letter_fields(session: AsyncSession, person_id: int | None) -> dict[str, Any]:
    """:data:`RECIPIENT_LETTER_FIELDS` for a person (each missing when there is none)."""
    person = None if person_id is None else await session.get(Person, person_id)
    if person is None:
        gone = MissingField("there is no person to write to")
        return {field.name: gone for field in RECIPIENT_LETTER_FIELDS}
    name = full_name(person.title, person.forenames, person.surname)
    fields: dict[str, Any] = {
        "title": person.title or "",
        "forenames": person.forenames,
        "surname": person.surname,
        "full_name": name,
        "salutation": salutation(person.title, person.forenames, person.surname),
    }
    place = await correspondence_place(session, person.id)
    if place is None:
        nowhere = MissingField(f"{name} has no correspondence address")
        fields.update(
            correspondence_address=nowhere,
            correspondence_address_lines=nowhere,
            correspondence_postcode=nowhere,
        )
    else:
        lines = place_address_lines(place)
        fields.update(
            correspondence_address="\n".join(lines),
            correspondence_address_lines=lines,
            correspondence_postcode=place.postcode
            or MissingField(f"{name}'s correspondence address has no postcode"),
        )
    return fields


async def common_letter_fields(
    session: AsyncSession, actor: Actor, settings: Settings
) -> dict[str, Any]:
    """:data:`COMMON_LETTER_FIELDS`: the date, the council, and the officer writing."""
    fields: dict[str, Any] = {"today": today(), "council_name": settings.council_name}
    user_id = user_id_of(actor)
    user = None if user_id is None else await session.get(StaffUser, user_id)
    fields["officer_name"] = user.display_name if user is not None else actor.display_name
    team = None
    if user is not None:
        team = await session.scalar(
            select(Team.name)
            .join(TeamMembership, and_(TeamMembership.team_id == Team.id))
            .where(TeamMembership.user_id == user.id, Team.is_active.is_(True))
            .order_by(Team.name)
            .limit(1)
        )
    fields["officer_team"] = team or MissingField(
        f"{fields['officer_name'] or 'the officer'} belongs to no team"
    )
    return fields


def only_declared(values: Mapping[str, Any], fields: tuple[LetterField, ...]) -> dict[str, Any]:
    """The provider's values for the declared fields; a declared field it left out is
    missing."""
    return {
        field.name: values[field.name]
        if field.name in values
        else MissingField("the record gives no value for it")
        for field in fields
    }
