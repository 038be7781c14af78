"""Root mutations: one unit of work each, typed errors, nothing stored on failure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from pdms_core.plugin import decode_id, described, mutation_field, payload_type, run_mutation
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_env_tickets.graphql.queries import decode_team
from pdms_env_tickets.graphql.types import EnvTicketsTicket
from pdms_env_tickets.permissions import ASSIGN, WRITE
from pdms_env_tickets.services import changes, duplicates, tickets

EnvTicketsTicketPayload = payload_type(
    "EnvTicketsTicketPayload",
    "ticket",
    EnvTicketsTicket,
    description="Result of a change to one ticket.",
)
EnvTicketsTicketsPayload = payload_type(
    "EnvTicketsTicketsPayload",
    "tickets",
    EnvTicketsTicket,
    description="Result of a change to several tickets: all of them, or none.",
    many=True,
)


@strawberry.input(
    description="Fly-tipping details, as the national fly-tipping return counts them."
)
class EnvTicketsFlyTippingInput:
    size: str | None = strawberry.field(
        default=None, description="env_tickets.fly_tipping_size code."
    )
    land_type: str | None = strawberry.field(
        default=None, description="env_tickets.land_type code."
    )
    waste_type: str | None = strawberry.field(
        default=None, description="env_tickets.waste_type code."
    )


@strawberry.input(description="Abandoned-vehicle details.")
class EnvTicketsVehicleInput:
    registration: str = strawberry.field(default="", description="Registration mark.")
    make: str = strawberry.field(default="", description="Make.")
    colour: str = strawberry.field(default="", description="Colour.")
    tax_status: str = strawberry.field(default="", description="taxed, untaxed, sorn or unknown.")
    dangerous: bool = strawberry.field(default=False, description="Dangerous (24-hour notice).")


@strawberry.input(description="A street report. Give a place (or UPRN), a point, or both.")
class EnvTicketsReportInput:
    type_code: str = strawberry.field(description="Ticket type (env_tickets.demand_type code).")
    description: str = strawberry.field(default="", description="What was reported.")
    channel: str | None = strawberry.field(default=None, description="Core channel code.")
    place_id: strawberry.ID | None = strawberry.field(default=None, description="The place.")
    uprn: str | None = strawberry.field(default=None, description="The place, by UPRN.")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude.")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude.")
    location_description: str = strawberry.field(default="", description="Where, in words.")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The reporter, if a known person; omit for anonymous."
    )
    reporter_name: str = strawberry.field(default="", description="Anonymous reporter's name.")
    reporter_email: str = strawberry.field(default="", description="Email for updates.")
    reporter_phone: str = strawberry.field(default="", description="Phone for updates.")
    fly_tipping: EnvTicketsFlyTippingInput | None = strawberry.field(
        default=None, description="Fly-tipping details (fly-tipping types only)."
    )
    vehicle: EnvTicketsVehicleInput | None = strawberry.field(
        default=None, description="Vehicle details (abandoned-vehicle types only)."
    )


@strawberry.input(description="Someone reporting a problem that already has an open ticket.")
class EnvTicketsInterestedPartyInput:
    ticket_id: strawberry.ID = strawberry.field(description="The existing open ticket.")
    person_id: strawberry.ID | None = strawberry.field(default=None, description="The person.")
    name: str = strawberry.field(default="", description="Name, if not a known person.")
    email: str = strawberry.field(default="", description="Email for updates.")
    phone: str = strawberry.field(default="", description="Phone for updates.")
    note: str = strawberry.field(default="", description="What they said.")
    channel: str | None = strawberry.field(default=None, description="Core channel code.")


def _uprn(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or len(text) > 12:
        from pdms_core.plugin import ValidationFailed

        raise ValidationFailed("A UPRN is up to 12 digits.", field="uprn")
    return int(text)


def _ticket(value: strawberry.ID, field: str = "id") -> int:
    return decode_id(value, "EnvTicketsTicket", field=field)


def _new_ticket(given: EnvTicketsReportInput) -> tickets.NewTicket:
    fly = given.fly_tipping
    car = given.vehicle
    return tickets.NewTicket(
        type_code=given.type_code,
        description=given.description,
        channel_code=given.channel,
        place_id=decode_id(given.place_id, "Place", field="placeId") if given.place_id else None,
        uprn=_uprn(given.uprn),
        latitude=given.latitude,
        longitude=given.longitude,
        location_description=given.location_description,
        person_id=decode_id(given.person_id, "Person", field="personId")
        if given.person_id
        else None,
        reporter_name=given.reporter_name,
        reporter_email=given.reporter_email,
        reporter_phone=given.reporter_phone,
        fly_tipping=tickets.FlyTipping(fly.size, fly.land_type, fly.waste_type) if fly else None,
        vehicle=tickets.Vehicle(
            car.registration, car.make, car.colour, car.tax_status, car.dangerous
        )
        if car
        else None,
    )


@strawberry.type
class EnvTicketsMutation:
    @mutation_field(
        description="Log a street report: a ticket, its case and its value demand. Check "
        "`envTicketsNearby` first and add the caller to an existing ticket instead.",
        permission=WRITE,
    )
    async def env_tickets_report(
        self, info: Info, input: Annotated[EnvTicketsReportInput, described("The report.")]
    ) -> EnvTicketsTicketPayload:
        modules = {plugin.name for plugin in info.context.host.plugins}

        async def action(session: AsyncSession) -> Any:
            return await tickets.report_ticket(
                session, info.context.actor, _new_ticket(input), known_modules=modules
            )

        ticket, errors = await run_mutation(info, action)
        return EnvTicketsTicketPayload(ticket=ticket, errors=errors)

    @mutation_field(
        description="Add someone to an existing open ticket as an interested party instead of "
        "opening a new one; their chaser is recorded as a failure demand on its case.",
        permission=WRITE,
    )
    async def env_tickets_add_interested_party(
        self,
        info: Info,
        input: Annotated[EnvTicketsInterestedPartyInput, described("Who, and the ticket.")],
    ) -> EnvTicketsTicketPayload:
        async def action(session: AsyncSession) -> Any:
            return await duplicates.add_interested_party(
                session,
                info.context.actor,
                ticket_id=_ticket(input.ticket_id, "ticketId"),
                chaser=duplicates.Chaser(
                    person_id=decode_id(input.person_id, "Person", field="personId")
                    if input.person_id
                    else None,
                    name=input.name,
                    email=input.email,
                    phone=input.phone,
                    note=input.note,
                    channel_code=input.channel,
                ),
            )

        ticket, errors = await run_mutation(info, action)
        return EnvTicketsTicketPayload(ticket=ticket, errors=errors)

    @mutation_field(description="Move a ticket to a status of the workflow.", permission=WRITE)
    async def env_tickets_set_status(
        self,
        info: Info,
        id: Annotated[strawberry.ID, described("The ticket.")],
        expected_version: Annotated[int, described("The ticket's version you read.")],
        status: Annotated[str, described("env_tickets.status code.")],
        note: Annotated[str, described("Note for the history.")] = "",
        public: Annotated[bool, described("Send the note to the reporter's site.")] = True,
        duplicate_of_id: Annotated[
            strawberry.ID | None, described("The ticket this one duplicates.")
        ] = None,
    ) -> EnvTicketsTicketPayload:
        async def action(session: AsyncSession) -> Any:
            return await changes.set_status(
                session,
                info.context.actor,
                ticket_id=_ticket(id),
                expected_version=expected_version,
                status_code=status,
                note=note,
                public=public,
                duplicate_of_id=_ticket(duplicate_of_id, "duplicateOfId")
                if duplicate_of_id
                else None,
            )

        ticket, errors = await run_mutation(info, action)
        return EnvTicketsTicketPayload(ticket=ticket, errors=errors)

    @mutation_field(description="Add a note to a ticket's history.", permission=WRITE)
    async def env_tickets_add_note(
        self,
        info: Info,
        ticket_id: Annotated[strawberry.ID, described("The ticket.")],
        note: Annotated[str, described("The note.")],
        public: Annotated[bool, described("Send it to the reporter's site.")] = False,
    ) -> EnvTicketsTicketPayload:
        async def action(session: AsyncSession) -> Any:
            return await changes.add_note(
                session,
                info.context.actor,
                ticket_id=_ticket(ticket_id, "ticketId"),
                note=note,
                public=public,
            )

        ticket, errors = await run_mutation(info, action)
        return EnvTicketsTicketPayload(ticket=ticket, errors=errors)

    @mutation_field(
        description="Assign tickets to a team or crew (null: unassign): all, or none.",
        permission=ASSIGN,
    )
    async def env_tickets_assign(
        self,
        info: Info,
        ticket_ids: Annotated[list[strawberry.ID], described("The tickets (up to 500).")],
        team_id: Annotated[strawberry.ID | None, described("The team.")],
    ) -> EnvTicketsTicketsPayload:
        async def action(session: AsyncSession) -> Any:
            return await changes.assign(
                session,
                info.context.actor,
                ticket_ids=[_ticket(t, "ticketIds") for t in ticket_ids],
                team_id=decode_team(team_id),
            )

        done, errors = await run_mutation(info, action)
        return EnvTicketsTicketsPayload(tickets=done or [], errors=errors)

    @mutation_field(
        description="Mark a crew's batch of tickets done: each to a closing status with one "
        "public note (attach photos to each ticket with uploadDocument). All, or none.",
        permission=ASSIGN,
    )
    async def env_tickets_complete_batch(
        self,
        info: Info,
        ticket_ids: Annotated[list[strawberry.ID], described("The tickets (up to 500).")],
        note: Annotated[str, described("What was done.")],
        status: Annotated[str, described("A closing env_tickets.status code.")] = "fixed",
    ) -> EnvTicketsTicketsPayload:
        async def action(session: AsyncSession) -> Any:
            return await changes.complete_batch(
                session,
                info.context.actor,
                ticket_ids=[_ticket(t, "ticketIds") for t in ticket_ids],
                status_code=status,
                note=note,
            )

        done, errors = await run_mutation(info, action)
        return EnvTicketsTicketsPayload(tickets=done or [], errors=errors)

    @mutation_field(
        description="Record the notice served on an abandoned vehicle: it runs 7 days, or 24 "
        "hours when the vehicle is dangerous.",
        permission=WRITE,
    )
    async def env_tickets_serve_notice(
        self,
        info: Info,
        id: Annotated[strawberry.ID, described("The abandoned-vehicle ticket.")],
        expected_version: Annotated[int, described("The ticket's version you read.")],
        served_at: Annotated[datetime, described("When the notice was served (with offset).")],
        dangerous: Annotated[bool | None, described("Change the dangerous flag.")] = None,
    ) -> EnvTicketsTicketPayload:
        async def action(session: AsyncSession) -> Any:
            return await changes.serve_notice(
                session,
                info.context.actor,
                ticket_id=_ticket(id),
                expected_version=expected_version,
                served_at=served_at,
                dangerous=dangerous,
            )

        ticket, errors = await run_mutation(info, action)
        return EnvTicketsTicketPayload(ticket=ticket, errors=errors)
