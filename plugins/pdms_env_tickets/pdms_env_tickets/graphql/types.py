"""Object types: tickets, their history lines, interested parties, nearby matches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from pdms_core.plugin import ModelNode, ModuleRecord, documents_field, global_id
from strawberry import relay
from strawberry.types import Info

from pdms_env_tickets.graphql.loaders import (
    EventsByTicketLoader,
    LookupCodesLoader,
    PartiesByTicketLoader,
    TeamNamesLoader,
)
from pdms_env_tickets.models import Ticket
from pdms_env_tickets.permissions import READ


@strawberry.type(description="A value of one of the lists a ticket uses (type, status ...).")
class EnvTicketsCode:
    code: str = strawberry.field(description="Stable code of the value.")
    label: str = strawberry.field(description="Name shown to officers.")


async def _code(info: Info, value_id: int | None) -> EnvTicketsCode | None:
    if value_id is None:
        return None
    row = await info.context.loaders.get(LookupCodesLoader).load(value_id)
    return None if row is None else EnvTicketsCode(code=row.code, label=row.label)


def _gid(kind: str, row_id: int | None) -> strawberry.ID | None:
    return None if row_id is None else strawberry.ID(global_id(kind, row_id))


@strawberry.type(description="Fly-tipping details, as the national fly-tipping return counts them.")
class EnvTicketsFlyTipping:
    size_id: strawberry.Private[int | None]
    land_type_id: strawberry.Private[int | None]
    waste_type_id: strawberry.Private[int | None]

    @strawberry.field(description="Size category (env_tickets.fly_tipping_size).")
    async def size(self, info: Info) -> EnvTicketsCode | None:
        return await _code(info, self.size_id)

    @strawberry.field(description="Land type (env_tickets.land_type).")
    async def land_type(self, info: Info) -> EnvTicketsCode | None:
        return await _code(info, self.land_type_id)

    @strawberry.field(description="Waste type (env_tickets.waste_type).")
    async def waste_type(self, info: Info) -> EnvTicketsCode | None:
        return await _code(info, self.waste_type_id)


@strawberry.type(description="Abandoned-vehicle details and the notice clock.")
class EnvTicketsVehicle:
    registration: str = strawberry.field(description="Registration mark, upper case, no spaces.")
    make: str = strawberry.field(description="Make.")
    colour: str = strawberry.field(description="Colour.")
    tax_status: str = strawberry.field(description="taxed, untaxed, sorn, unknown or empty.")
    dangerous: bool = strawberry.field(
        description="Dangerous: the notice runs 24 hours, not 7 days."
    )
    notice_served_at: datetime | None = strawberry.field(description="When the notice was served.")
    notice_expires_at: datetime | None = strawberry.field(
        description="When the notice runs out and the vehicle may be removed."
    )


@strawberry.type(description="One line of a ticket's history: a change or a note.")
class EnvTicketsEvent:
    at: datetime = strawberry.field(description="When.")
    kind: str = strawberry.field(
        description="created, status, assigned, note, interested_party or notice."
    )
    actor_name: str = strawberry.field(description="Who made the change.")
    old_value: str = strawberry.field(description="The value before (a code), if any.")
    new_value: str = strawberry.field(description="The value after (a code), if any.")
    note: str = strawberry.field(description="The note written with the change.")
    public: bool = strawberry.field(description="Shown to the reporter and reporting sites.")


@strawberry.type(description="Someone who reported the ticket's problem again.")
class EnvTicketsInterestedParty:
    name: str = strawberry.field(description="Name given, if not a known person.")
    email: str = strawberry.field(description="Email for updates.")
    phone: str = strawberry.field(description="Phone for updates.")
    added_at: datetime = strawberry.field(description="When they were added.")
    person_id_: strawberry.Private[int | None]
    demand_id_: strawberry.Private[int]

    @strawberry.field(description="Global ID of the person, if known.")
    def person_id(self) -> strawberry.ID | None:
        return _gid("Person", self.person_id_)

    @strawberry.field(description="Global ID of their chaser: a failure demand on the case.")
    def demand_id(self) -> strawberry.ID | None:
        return _gid("Demand", self.demand_id_)


@strawberry.type(description="A street report: fly-tipping, an abandoned vehicle, graffiti ...")
class EnvTicketsTicket(ModelNode, ModuleRecord):
    model = Ticket
    read_permission = READ
    # It names the reporter and their contact details: every read is audited.
    personal_data = True

    id: relay.NodeID[int]
    reference: str = strawberry.field(description="The ticket's reference (its case's).")
    latitude: float | None = strawberry.field(description="WGS84 latitude of the problem.")
    longitude: float | None = strawberry.field(description="WGS84 longitude of the problem.")
    location_description: str = strawberry.field(
        description="Where, in words (e.g. 'lay-by north of the bridge')."
    )
    description: str = strawberry.field(description="What was reported.")
    reporter_name: str = strawberry.field(description="An anonymous reporter's name, if given.")
    reporter_email: str = strawberry.field(description="Reporter's email for updates.")
    reporter_phone: str = strawberry.field(description="Reporter's phone for updates.")
    is_open: bool = strawberry.field(description="False once a closing status is set.")
    due_on: date | None = strawberry.field(
        description="Deadline from the type's service standard (working days), if any."
    )
    reported_at: datetime = strawberry.field(description="When the report was made.")
    updated_at: datetime = strawberry.field(description="When the ticket last changed.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    version: int = strawberry.field(description="Optimistic-lock version.")
    documents = documents_field("EnvTicketsTicket", "ticket")

    @strawberry.field(description="The ticket type (env_tickets.demand_type).")
    async def type(self, info: Info) -> EnvTicketsCode:
        return await _code(info, self.type_id)  # type: ignore[return-value]

    @strawberry.field(description="The workflow status (env_tickets.status).")
    async def status(self, info: Info) -> EnvTicketsCode:
        return await _code(info, self.status_id)  # type: ignore[return-value]

    @strawberry.field(description="How it was reported (core's channel list).")
    async def channel(self, info: Info) -> EnvTicketsCode | None:
        return await _code(info, self.channel_id)

    @strawberry.field(description="Global ID of the place (by UPRN), if given.")
    def place_id(self) -> strawberry.ID | None:
        return _gid("Place", self.place_id)

    @strawberry.field(description="Global ID of the reporting person; null when anonymous.")
    def person_id(self) -> strawberry.ID | None:
        return _gid("Person", self.person_id)

    @strawberry.field(description="Global ID of the ticket's case.")
    def case_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Case", self.case_id))

    @strawberry.field(description="Global ID of the report's demand (value demand).")
    def demand_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Demand", self.demand_id))

    @strawberry.field(description="Global ID of the ticket this one duplicates, if any.")
    def duplicate_of_id(self) -> strawberry.ID | None:
        return _gid("EnvTicketsTicket", self.duplicate_of_id)

    @strawberry.field(description="Global ID of the team it is assigned to.")
    def team_id(self) -> strawberry.ID | None:
        return _gid("Team", self.team_id)

    @strawberry.field(description="Name of the team it is assigned to.")
    async def team_name(self, info: Info) -> str | None:
        if self.team_id is None:
            return None
        row = await info.context.loaders.get(TeamNamesLoader).load(self.team_id)
        return None if row is None else row.name

    @strawberry.field(description="Fly-tipping details; null for other types.")
    def fly_tipping(self) -> EnvTicketsFlyTipping | None:
        if self.size_id is None and self.land_type_id is None and self.waste_type_id is None:
            return None
        return EnvTicketsFlyTipping(
            size_id=self.size_id, land_type_id=self.land_type_id, waste_type_id=self.waste_type_id
        )

    @strawberry.field(description="Abandoned-vehicle details; null for other types.")
    def vehicle(self) -> EnvTicketsVehicle | None:
        if not (self.registration or self.vehicle_make or self.notice_served_at):
            return None
        return EnvTicketsVehicle(
            registration=self.registration,
            make=self.vehicle_make,
            colour=self.vehicle_colour,
            tax_status=self.tax_status,
            dangerous=self.dangerous,
            notice_served_at=self.notice_served_at,
            notice_expires_at=self.notice_expires_at,
        )

    @strawberry.field(description="Every change and note, oldest first.")
    async def history(self, info: Info) -> list[EnvTicketsEvent]:
        rows = await info.context.loaders.get(EventsByTicketLoader).load(self.id)
        return [_event(row) for row in rows]

    @strawberry.field(description="People who reported it again (each a failure demand).")
    async def interested_parties(self, info: Info) -> list[EnvTicketsInterestedParty]:
        rows = await info.context.loaders.get(PartiesByTicketLoader).load(self.id)
        return [
            EnvTicketsInterestedParty(
                name=row.name,
                email=row.email,
                phone=row.phone,
                added_at=row.added_at,
                person_id_=row.person_id,
                demand_id_=row.demand_id,
            )
            for row in rows
        ]


def _event(row: Any) -> EnvTicketsEvent:
    return EnvTicketsEvent(
        at=row.at,
        kind=row.kind,
        actor_name=row.actor_name,
        old_value=row.old_value,
        new_value=row.new_value,
        note=row.note,
        public=row.public,
    )


@strawberry.type(description="An open ticket near a point: a possible duplicate.")
class EnvTicketsNearby:
    ticket: EnvTicketsTicket = strawberry.field(description="The open ticket.")
    distance_m: float = strawberry.field(description="Great-circle distance in metres.")
