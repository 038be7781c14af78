"""Logging a street report: a ticket, its core case and its (value) demand."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    DemandFields,
    NewParty,
    NotFound,
    UserErrors,
    ValidationFailed,
    add_demand,
    core_tables,
    group_by,
    open_case,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.geo import check_point
from pdms_env_tickets.lists import (
    ABANDONED_VEHICLE,
    CHANNEL,
    FLY_TIPPING,
    LAND_TYPE,
    MODULE,
    SIZE,
    STATUS,
    TICKET_TYPE,
    WASTE_TYPE,
)
from pdms_env_tickets.models import NAME_LENGTH, TEXT_LENGTH, Ticket
from pdms_env_tickets.services import history
from pdms_env_tickets.services.codes import is_closed, value, values_by_code

PLACE = core_tables.place
PERSON = core_tables.person
TAX_STATUSES = ("taxed", "untaxed", "sorn", "unknown")


@dataclass
class FlyTipping:
    size: str | None = None
    land_type: str | None = None
    waste_type: str | None = None


@dataclass
class Vehicle:
    registration: str = ""
    make: str = ""
    colour: str = ""
    tax_status: str = ""
    dangerous: bool = False


@dataclass
class NewTicket:
    """A report as given; codes are of the module's lists (type, status) and core's channel."""

    type_code: str
    description: str = ""
    channel_code: str | None = None
    place_id: int | None = None
    uprn: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_description: str = ""
    person_id: int | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    fly_tipping: FlyTipping | None = None
    vehicle: Vehicle | None = None
    reported_at: datetime | None = None
    external_id: str | None = None
    extra: dict = field(default_factory=dict)
    with_token: bool = False


def _text(value: str | None, limit: int, name: str, errors: list) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        errors.append(ValidationFailed(f"At most {limit} characters.", field=name))
    return text


async def _place(
    session: AsyncSession, new: NewTicket
) -> tuple[int | None, float | None, float | None]:
    """The place by id or UPRN, with its point (to fill a ticket that gives no point)."""
    columns = (PLACE.c.id, PLACE.c.latitude, PLACE.c.longitude)
    if new.place_id is not None:
        row = (await session.execute(select(*columns).where(PLACE.c.id == new.place_id))).first()
        if row is None:
            raise NotFound("There is no such place.", field="placeId")
        return tuple(row)  # type: ignore[return-value]
    if new.uprn is not None:
        row = (await session.execute(select(*columns).where(PLACE.c.uprn == new.uprn))).first()
        if row is None:
            raise NotFound("No place has that UPRN.", field="uprn")
        return tuple(row)  # type: ignore[return-value]
    return None, None, None


async def _fly_tipping(session: AsyncSession, ticket: Ticket, given: FlyTipping) -> None:
    lists = (
        (SIZE, "size", "size_id"),
        (LAND_TYPE, "landType", "land_type_id"),
        (WASTE_TYPE, "wasteType", "waste_type_id"),
    )
    for set_code, name, column in lists:
        code = getattr(
            given, {"size": "size", "landType": "land_type", "wasteType": "waste_type"}[name]
        )
        if code:
            found = await value(session, set_code, code, field=f"flyTipping.{name}", what=name)
            setattr(ticket, column, found.id)


def _vehicle(ticket: Ticket, given: Vehicle, errors: list) -> None:
    registration = "".join(given.registration.split()).upper()
    if len(registration) > 10:
        errors.append(
            ValidationFailed(
                "A registration is at most 10 characters.", field="vehicle.registration"
            )
        )
    tax = given.tax_status.strip().lower()
    if tax and tax not in TAX_STATUSES:
        errors.append(
            ValidationFailed(
                f"Tax status is one of {', '.join(TAX_STATUSES)}.", field="vehicle.taxStatus"
            )
        )
    ticket.registration = registration[:10]
    ticket.vehicle_make = _text(given.make, 60, "vehicle.make", errors)
    ticket.vehicle_colour = _text(given.colour, 40, "vehicle.colour", errors)
    ticket.tax_status = tax
    ticket.dangerous = bool(given.dangerous)


async def check_details(session: AsyncSession, new: NewTicket) -> list[ValidationFailed]:
    """Input errors a report has before anything is stored (several at once)."""
    errors: list = []
    if new.latitude is not None or new.longitude is not None:
        problem = check_point(new.latitude, new.longitude)
        if problem:
            errors.append(ValidationFailed(problem, field="latitude"))
    elif new.place_id is None and new.uprn is None:
        errors.append(
            ValidationFailed(
                "Give a place (or UPRN), or a latitude and longitude.", field="location"
            )
        )
    return errors


async def report_ticket(
    session: AsyncSession,
    actor: Actor,
    new: NewTicket,
    *,
    known_modules: Collection[str],
    now: datetime | None = None,
) -> Ticket:
    """Log a report: a ticket, a case of this module with the ticket's place and reporter,
    and a value demand of the ticket's type (whose service standard sets the deadline)."""
    now = now or history.now()
    errors = await check_details(session, new)
    kind = await value(session, TICKET_TYPE, new.type_code, field="typeCode", what="ticket type")
    form = (kind.data or {}).get("form")
    channel = None
    if new.channel_code:
        channel = await value(session, CHANNEL, new.channel_code, field="channel", what="channel")
    place_id, place_lat, place_lon = await _place(session, new)
    if new.person_id is not None:
        known = await session.scalar(select(PERSON.c.id).where(PERSON.c.id == new.person_id))
        if known is None:
            raise NotFound("There is no such person.", field="personId")
    status = next(iter((await values_by_code(session, STATUS)).values()), None)
    if status is None:
        raise ValidationFailed("The council has no ticket statuses.", field="status")
    ticket = Ticket(
        type_id=kind.id,
        status_id=status.id,
        is_open=not is_closed(status),
        channel_id=channel.id if channel else None,
        place_id=place_id,
        latitude=new.latitude if new.latitude is not None else place_lat,
        longitude=new.longitude if new.longitude is not None else place_lon,
        location_description=_text(new.location_description, 500, "locationDescription", errors),
        person_id=new.person_id,
        reporter_name=_text(new.reporter_name, NAME_LENGTH, "reporterName", errors),
        reporter_email=_text(new.reporter_email, 320, "reporterEmail", errors),
        reporter_phone=_text(new.reporter_phone, 40, "reporterPhone", errors),
        description=_text(new.description, TEXT_LENGTH, "description", errors),
        reported_at=new.reported_at or now,
        updated_at=now,
        external_id=new.external_id,
        extra=new.extra or None,
        open311_token=secrets.token_urlsafe(18) if new.with_token else None,
    )
    if new.fly_tipping is not None:
        if form != FLY_TIPPING:
            errors.append(
                ValidationFailed("Only fly-tipping has these details.", field="flyTipping")
            )
        else:
            await _fly_tipping(session, ticket, new.fly_tipping)
    if new.vehicle is not None:
        if form != ABANDONED_VEHICLE:
            errors.append(
                ValidationFailed("Only abandoned vehicles have these details.", field="vehicle")
            )
        else:
            _vehicle(ticket, new.vehicle, errors)
    if errors:
        raise UserErrors(errors)
    # The module keeps its own case: the caller's right to log a report is the module's
    # permission, not core's case permissions (a reporting site's key holds no others).
    case = await open_case(
        session,
        SYSTEM,
        module=MODULE,
        known_modules=known_modules,
        summary=f"{kind.label}: {ticket.description}"[:2000],
        opened_on=ticket.reported_at.date(),
        parties=[NewParty(new.person_id, "reporter")] if new.person_id else [],
        place_ids=[place_id] if place_id else [],
    )
    demand = await add_demand(
        session,
        SYSTEM,
        case_id=case.id,
        expected_version=case.version,
        fields=DemandFields(
            type_code=kind.code,
            nature="value",
            channel_code=channel.code if channel else None,
            description=ticket.description,
            received_on=ticket.reported_at.date(),
        ),
    )
    ticket.reference, ticket.case_id, ticket.demand_id = case.reference, case.id, demand.id
    ticket.due_on = demand.due_on
    session.add(ticket)
    await session.flush()
    history.record(session, actor, ticket, "created", new=status.code, at=now, public=True)
    await session.flush()
    return ticket


async def get_ticket(session: AsyncSession, ticket_id: int, *, field: str = "id") -> Ticket:
    ticket = await session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise NotFound("There is no such ticket.", field=field)
    return ticket


def notice_expiry(served_at: datetime, dangerous: bool) -> datetime:
    """The abandoned-vehicle notice clock: 7 days, or 24 hours when dangerous."""
    return served_at + (timedelta(hours=24) if dangerous else timedelta(days=7))


async def tickets_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Ticket]]:
    rows = await session.scalars(
        select(Ticket).where(Ticket.place_id.in_(place_ids)).order_by(Ticket.id)
    )
    return group_by(rows, "place_id")


async def tickets_by_person(
    session: AsyncSession, actor: Actor, person_ids: Sequence[int]
) -> Mapping[int, Sequence[Ticket]]:
    """The tickets each person reported, or chased as an interested party, oldest first."""
    from pdms_env_tickets.models import InterestedParty

    reported = select(Ticket.person_id.label("holder"), Ticket.id.label("ticket_id")).where(
        Ticket.person_id.in_(person_ids)
    )
    chased = select(
        InterestedParty.person_id.label("holder"), InterestedParty.ticket_id.label("ticket_id")
    ).where(InterestedParty.person_id.in_(person_ids))
    links = reported.union(chased).subquery()
    rows = await session.execute(
        select(links.c.holder, Ticket)
        .join(Ticket, Ticket.id == links.c.ticket_id)
        .order_by(links.c.holder, Ticket.id)
    )
    found: dict[int, list[Ticket]] = {}
    for holder, ticket in rows:
        found.setdefault(holder, []).append(ticket)
    return found
