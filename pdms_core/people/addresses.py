"""Address history: where a person lives or receives post, over time.

A person has at most one current home (a home address with no end date). Moving home
ends the current one and starts the new one in the same unit of work.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.db.unit_of_work import claim_version
from pdms_core.errors import NotFound, ValidationFailed
from pdms_core.lookups.models import LookupValue
from pdms_core.lookups.services import active_value
from pdms_core.people.lookups import ADDRESS_ROLE
from pdms_core.people.models import Person, PersonAddress
from pdms_core.people.services import get_person
from pdms_core.places.models import Place


async def _place(session: AsyncSession, place_id: int) -> Place:
    place = await session.get(Place, place_id)
    if place is None:
        raise ValidationFailed("There is no such place.", field="placeId")
    return place


def _check_dates(from_date: date | None, to_date: date | None) -> None:
    if from_date and to_date and to_date < from_date:
        raise ValidationFailed("The end date must not be before the start date.", field="toDate")


async def current_home(session: AsyncSession, person_id: int) -> PersonAddress | None:
    """The person's current home address, if any."""
    return await session.scalar(
        select(PersonAddress)
        .join(LookupValue, LookupValue.id == PersonAddress.role_id)
        .where(
            PersonAddress.person_id == person_id,
            PersonAddress.to_date.is_(None),
            LookupValue.code == "home",
        )
    )


async def add_address(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    expected_version: int,
    place_id: int,
    role_code: str,
    from_date: date | None,
    to_date: date | None,
) -> Person:
    """Link a person to a place in a role, for a period (open-ended when no end date)."""
    role = await active_value(session, ADDRESS_ROLE, role_code, field="roleCode")
    await _place(session, place_id)
    _check_dates(from_date, to_date)
    await claim_version(session, Person, person_id, expected_version, noun="person")
    if (
        (role.data or {}).get("current_home")
        and to_date is None
        and await current_home(session, person_id) is not None
    ):
        raise ValidationFailed(
            "This person already has a current home: end it first, or use movePersonHome.",
            field="roleCode",
        )
    session.add(
        PersonAddress(
            person_id=person_id,
            place_id=place_id,
            role_id=role.id,
            from_date=from_date,
            to_date=to_date,
        )
    )
    await session.flush()
    return await get_person(session, person_id)


async def end_address(
    session: AsyncSession, actor: Actor, *, address_id: int, expected_version: int, to_date: date
) -> Person:
    """Close an address period on ``to_date``."""
    address = await session.get(PersonAddress, address_id)
    if address is None:
        raise NotFound("There is no such address.", field="id")
    _check_dates(address.from_date, to_date)
    await claim_version(session, Person, address.person_id, expected_version, noun="person")
    address.to_date = to_date
    await session.flush()
    return await get_person(session, address.person_id)


async def move_home(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int,
    expected_version: int,
    place_id: int,
    from_date: date,
) -> Person:
    """End the current home the day before ``from_date`` and make ``place_id`` home."""
    role = await active_value(session, ADDRESS_ROLE, "home", field="placeId")
    await _place(session, place_id)
    await claim_version(session, Person, person_id, expected_version, noun="person")
    previous = await current_home(session, person_id)
    if previous is not None:
        if previous.place_id == place_id:
            raise ValidationFailed("The person already lives there.", field="placeId")
        if previous.from_date and from_date <= previous.from_date:
            raise ValidationFailed(
                "The move must be after the current home started.", field="fromDate"
            )
        previous.to_date = from_date - timedelta(days=1)
    session.add(
        PersonAddress(person_id=person_id, place_id=place_id, role_id=role.id, from_date=from_date)
    )
    await session.flush()
    return await get_person(session, person_id)
