"""Finding open tickets of the same type near a point, and joining one instead.

The box query uses the (type, open, latitude, longitude) index; the few rows inside it
are narrowed by great-circle distance in Python, identically on both databases.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    DemandFields,
    ErrorCode,
    NotFound,
    UserError,
    UserErrors,
    ValidationFailed,
    add_demand,
    core_tables,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.geo import bounding_box, check_point, haversine_m
from pdms_env_tickets.lists import CHANNEL, TICKET_TYPE
from pdms_env_tickets.models import NAME_LENGTH, InterestedParty, Ticket
from pdms_env_tickets.services import history
from pdms_env_tickets.services.codes import value
from pdms_env_tickets.services.tickets import get_ticket

CASE = core_tables.case_record
PERSON = core_tables.person
TYPE_VALUE = core_tables.lookup_value
#: The most candidates a box may hold before Python narrows them; beyond it the nearest
#: are still found, as the query orders by latitude distance.
MAX_CANDIDATES = 2000


@dataclass(frozen=True)
class Nearby:
    ticket: Ticket
    distance_m: float


async def nearby_open_tickets(
    session: AsyncSession,
    *,
    type_code: str,
    latitude: float,
    longitude: float,
    radius_m: float,
    limit: int,
) -> list[Nearby]:
    """Open tickets of ``type_code`` within ``radius_m`` of the point, nearest first."""
    problem = check_point(latitude, longitude)
    if problem:
        raise ValidationFailed(problem, field="latitude")
    kind = await value(session, TICKET_TYPE, type_code, field="typeCode", what="ticket type")
    box = bounding_box(latitude, longitude, radius_m)
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.type_id == kind.id,
            Ticket.is_open.is_(True),
            Ticket.latitude.between(box.south, box.north),
            Ticket.longitude.between(box.west, box.east),
        )
        .limit(MAX_CANDIDATES)
    )
    found = []
    for ticket in rows:
        distance = haversine_m(latitude, longitude, ticket.latitude, ticket.longitude)
        if distance <= radius_m:
            found.append(Nearby(ticket, distance))
    found.sort(key=lambda near: (near.distance_m, near.ticket.id))
    return found[:limit]


@dataclass
class Chaser:
    """Who reported the problem again: a person, or contact details."""

    person_id: int | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    note: str = ""
    channel_code: str | None = None


async def add_interested_party(
    session: AsyncSession, actor: Actor, *, ticket_id: int, chaser: Chaser
) -> Ticket:
    """Add the caller to an open ticket instead of opening a new one: an interested
    party, and a failure demand (a chaser) on the ticket's case."""
    ticket = await get_ticket(session, ticket_id, field="ticketId")
    if not ticket.is_open:
        raise UserError(
            "The ticket is closed; report the problem as a new ticket.",
            field="ticketId",
            code=ErrorCode.NOT_ALLOWED,
        )
    errors = []
    for name, text, limit in (
        ("name", chaser.name, NAME_LENGTH),
        ("email", chaser.email, 320),
        ("phone", chaser.phone, 40),
    ):
        if len(text.strip()) > limit:
            errors.append(ValidationFailed(f"At most {limit} characters.", field=name))
    if chaser.person_id is None and not (
        chaser.name.strip() or chaser.email.strip() or chaser.phone.strip()
    ):
        errors.append(
            ValidationFailed("Give the person, or a name or contact details.", field="personId")
        )
    if errors:
        raise UserErrors(errors)
    if chaser.person_id is not None:
        known = await session.scalar(select(PERSON.c.id).where(PERSON.c.id == chaser.person_id))
        if known is None:
            raise NotFound("There is no such person.", field="personId")
    channel = None
    if chaser.channel_code:
        channel = await value(
            session, CHANNEL, chaser.channel_code, field="channel", what="channel"
        )
    kind = await session.scalar(select(TYPE_VALUE.c.code).where(TYPE_VALUE.c.id == ticket.type_id))
    version = await session.scalar(select(CASE.c.version).where(CASE.c.id == ticket.case_id))
    demand = await add_demand(
        session,
        SYSTEM,
        case_id=ticket.case_id,
        expected_version=version,
        fields=DemandFields(
            type_code=kind,
            nature="failure",
            # The case's presenting demand is the first report; a chaser is a later one.
            is_presenting=False,
            channel_code=channel.code if channel else None,
            description=f"Reported again: {chaser.note.strip()}".strip(": ")[:4000],
        ),
    )
    now = history.now()
    party = InterestedParty(
        ticket_id=ticket.id,
        person_id=chaser.person_id,
        name=chaser.name.strip(),
        email=chaser.email.strip(),
        phone=chaser.phone.strip(),
        demand_id=demand.id,
        added_at=now,
    )
    session.add(party)
    history.record(session, actor, ticket, "interested_party", note=chaser.note.strip(), at=now)
    ticket.updated_at = now
    await session.flush()
    return ticket


async def interested_parties(session: AsyncSession, ticket_ids: Collection[int]) -> list:
    return list(
        await session.scalars(
            select(InterestedParty)
            .where(InterestedParty.ticket_id.in_(ticket_ids))
            .order_by(InterestedParty.ticket_id, InterestedParty.id)
        )
    )
