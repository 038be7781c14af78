"""Homes and their gas assets: no strawberry here, so the CLI and tests call the same code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pdms_core.plugin import (
    Actor,
    NotFound,
    ValidationFailed,
    core_tables,
    expect_version,
    group_by,
    lookup_values,
    today,
)
from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.lists import APPLIANCE_TYPE, LOCATION
from pdms_gas_electric.models import ALARM_KINDS, GAS_SUPPLIES, Alarm, Appliance, GasCheck, Home

PLACE = core_tables.place
TEXT_LIMIT = 100


async def lookup_value_id(
    session: AsyncSession, set_code: str, code: str | None, *, field: str
) -> int | None:
    """The id of an active value of one of the module's lists, or VALIDATION on ``field``."""
    if code is None:
        return None
    found = {row.code: row.id for row in await lookup_values(session, set_code)}.get(code)
    if found is None:
        raise ValidationFailed(f"{code!r} is not an active value of {set_code}.", field=field)
    return found


def _short(text: str, field: str, limit: int = TEXT_LIMIT) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ValidationFailed(f"At most {limit} characters.", field=field)
    return text


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > today():
        raise ValidationFailed("The date cannot be in the future.", field=field)


async def get_home(session: AsyncSession, home_id: int, field: str = "homeId") -> Home:
    home = await session.get(Home, home_id, populate_existing=True)
    if home is None:
        raise NotFound("There is no such home.", field=field)
    return home


async def set_home(
    session: AsyncSession,
    actor: Actor,
    *,
    place_id: int,
    gas_supply: str,
    property_reference: str | None = None,
    consumer_unit_location: str = "",
    installation_notes: str = "",
    expected_version: int | None = None,
) -> Home:
    """Create or update the servicing record of a place (one per place)."""
    if gas_supply not in GAS_SUPPLIES:
        raise ValidationFailed("The gas supply is live, capped or none.", field="gasSupply")
    if await session.scalar(select(PLACE.c.id).where(PLACE.c.id == place_id)) is None:
        raise NotFound("There is no such place.", field="placeId")
    reference = _short(property_reference or "", "propertyReference", 30).upper() or None
    home = await session.scalar(select(Home).where(Home.place_id == place_id))
    if home is None:
        home = Home(place_id=place_id)
        session.add(home)
    elif expected_version is not None:
        expect_version(home, expected_version)
    if reference is not None:
        holder = await session.scalar(select(Home.id).where(Home.property_reference == reference))
        if holder is not None and holder != home.id:
            raise ValidationFailed("Another home has that reference.", field="propertyReference")
    home.gas_supply = gas_supply
    home.property_reference = reference
    home.consumer_unit_location = _short(consumer_unit_location, "consumerUnitLocation")
    home.installation_notes = _short(installation_notes, "installationNotes", 4000)
    await session.flush()
    await refresh_needs_check(session, [home.id])
    return home


async def refresh_needs_check(session: AsyncSession, home_ids: Sequence[int]) -> None:
    """BS01's base: a live supply and at least one landlord appliance still in use."""
    landlord_appliance = exists().where(
        Appliance.home_id == Home.id, Appliance.landlord_owned, Appliance.removed_on.is_(None)
    )
    await session.execute(
        update(Home)
        .where(Home.id.in_(home_ids))
        .values(needs_gas_check=(Home.gas_supply == "live") & landlord_appliance)
        .execution_options(synchronize_session=False)
    )
    for home_id in home_ids:  # keep loaded rows in step without bumping their versions
        home = session.identity_map.get((Home, (home_id,), None))
        if home is not None:
            await session.refresh(home, ["needs_gas_check", "version"])


async def add_appliance(
    session: AsyncSession,
    actor: Actor,
    *,
    home_id: int,
    type_code: str,
    location_code: str | None = None,
    make: str = "",
    model: str = "",
    landlord_owned: bool = True,
) -> Appliance:
    await get_home(session, home_id)
    appliance = Appliance(
        home_id=home_id,
        type_id=await lookup_value_id(session, APPLIANCE_TYPE, type_code, field="typeCode"),
        location_id=await lookup_value_id(session, LOCATION, location_code, field="locationCode"),
        make=_short(make, "make"),
        model_name=_short(model, "model"),
        landlord_owned=landlord_owned,
    )
    session.add(appliance)
    await session.flush()
    await refresh_needs_check(session, [home_id])
    return appliance


async def remove_appliance(
    session: AsyncSession,
    actor: Actor,
    *,
    appliance_id: int,
    expected_version: int,
    removed_on: date,
) -> Appliance:
    appliance = await session.get(Appliance, appliance_id, populate_existing=True)
    if appliance is None:
        raise NotFound("There is no such appliance.", field="id")
    expect_version(appliance, expected_version)
    _not_future(removed_on, "removedOn")
    appliance.removed_on = removed_on
    await session.flush()
    await refresh_needs_check(session, [appliance.home_id])
    return appliance


async def add_alarm(
    session: AsyncSession,
    actor: Actor,
    *,
    home_id: int,
    kind: str,
    location_code: str | None = None,
    installed_on: date | None = None,
) -> Alarm:
    await get_home(session, home_id)
    if kind not in ALARM_KINDS:
        raise ValidationFailed("An alarm is smoke, carbon_monoxide or heat.", field="kind")
    _not_future(installed_on, "installedOn")
    alarm = Alarm(
        home_id=home_id,
        kind=kind,
        location_id=await lookup_value_id(session, LOCATION, location_code, field="locationCode"),
        installed_on=installed_on,
    )
    session.add(alarm)
    await session.flush()
    return alarm


async def homes_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Home]]:
    """``Place.moduleRecords``: the home record of many places in one statement."""
    rows = await session.scalars(select(Home).where(Home.place_id.in_(place_ids)))
    return group_by(rows, "place_id")


async def checks_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[GasCheck]]:
    """``Place.moduleRecords``: every gas safety record of many places, newest first."""
    rows = await session.execute(
        select(Home.place_id, GasCheck)
        .join(Home, Home.id == GasCheck.home_id)
        .where(Home.place_id.in_(place_ids))
        .order_by(GasCheck.checked_on.desc(), GasCheck.id.desc())
    )
    found: dict[int, list[GasCheck]] = {}
    for place_id, check in rows:
        found.setdefault(place_id, []).append(check)
    return found


async def home_of_place(session: AsyncSession, place_id: int) -> Home | None:
    return await session.scalar(select(Home).where(Home.place_id == place_id))


async def eicrs_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Any]]:
    """``Place.moduleRecords``: every EICR of many places, newest first."""
    from pdms_gas_electric.models import Eicr

    rows = await session.execute(
        select(Home.place_id, Eicr)
        .join(Home, Home.id == Eicr.home_id)
        .where(Home.place_id.in_(place_ids))
        .order_by(Eicr.inspected_on.desc(), Eicr.id.desc())
    )
    found: dict[int, list[Any]] = {}
    for place_id, eicr in rows:
        found.setdefault(place_id, []).append(eicr)
    return found


async def homes_by_person(
    session: AsyncSession, actor: Actor, person_ids: Sequence[int]
) -> Mapping[int, Sequence[Home]]:
    """``Person.moduleRecords``: the servicing record of each person's current home."""
    address = core_tables.person_address
    role = core_tables.lookup_value
    rows = await session.execute(
        select(address.c.person_id, Home)
        .join(Home, Home.place_id == address.c.place_id)
        .join(role, role.c.id == address.c.role_id)
        .where(
            address.c.person_id.in_(person_ids),
            address.c.to_date.is_(None),
            role.c.code == "home",
        )
        .order_by(address.c.person_id, Home.id)
    )
    found: dict[int, list[Home]] = {}
    for person_id, home in rows:
        found.setdefault(person_id, []).append(home)
    return found
