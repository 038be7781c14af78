"""Root queries: ticket lists, the duplicate check and a team's work queue."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pdms_core.plugin import (
    After,
    Connection,
    First,
    decode_id,
    described,
    keyset_page,
    query_field,
)
from sqlalchemy import select
from strawberry.types import Info

from pdms_env_tickets.graphql.types import EnvTicketsNearby, EnvTicketsTicket
from pdms_env_tickets.lists import TICKET_TYPE
from pdms_env_tickets.models import Ticket
from pdms_env_tickets.permissions import READ, RETURN
from pdms_env_tickets.services import queue, returns
from pdms_env_tickets.services.codes import values_by_code
from pdms_env_tickets.services.duplicates import nearby_open_tickets

MAX_QUEUE = 200


def settings(info: Info):  # type: ignore[no-untyped-def]
    return info.context.host.plugin("env_tickets").settings


def decode_team(value: strawberry.ID | None) -> int | None:
    return None if value is None else decode_id(value, "Team", field="teamId")


@strawberry.type
class EnvTicketsQuery:
    @query_field(
        description="Tickets, newest first; optionally only open ones, of one type or team.",
        permission=READ,
    )
    async def env_tickets_tickets(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        open_only: Annotated[bool, described("Only tickets not yet closed.")] = False,
        type_code: Annotated[str | None, described("Only tickets of this type.")] = None,
        team_id: Annotated[strawberry.ID | None, described("Only this team's tickets.")] = None,
    ) -> Connection[EnvTicketsTicket]:
        team = decode_team(team_id)
        async with info.context.session() as session:
            statement = select(Ticket)
            if open_only:
                statement = statement.where(Ticket.is_open.is_(True))
            if type_code is not None:
                kind = (await values_by_code(session, TICKET_TYPE)).get(type_code)
                statement = statement.where(Ticket.type_id == (kind.id if kind else -1))
            if team is not None:
                statement = statement.where(Ticket.team_id == team)
            page = await keyset_page(session, statement, [-Ticket.id], first=first, after=after)
        return page.connection()

    @query_field(
        description="Possible duplicates: open tickets of the same type near a point, nearest "
        "first (within the configured radius, default 250 m; at most the configured number).",
        permission=READ,
    )
    async def env_tickets_nearby(
        self,
        info: Info,
        type_code: Annotated[str, described("The ticket type being reported.")],
        latitude: Annotated[float, described("WGS84 latitude of the problem.")],
        longitude: Annotated[float, described("WGS84 longitude of the problem.")],
    ) -> list[EnvTicketsNearby]:
        config = settings(info)
        async with info.context.session() as session:
            found = await nearby_open_tickets(
                session,
                type_code=type_code,
                latitude=latitude,
                longitude=longitude,
                radius_m=config.duplicate_radius_m,
                limit=config.duplicate_limit,
            )
        return [EnvTicketsNearby(ticket=n.ticket, distance_m=round(n.distance_m, 1)) for n in found]

    @query_field(
        description="A team's open tickets by deadline: soonest first, those without one last.",
        permission=READ,
    )
    async def env_tickets_work_queue(
        self,
        info: Info,
        team_id: Annotated[strawberry.ID, described("The team.")],
        limit: Annotated[int, described(f"How many: 1 to {MAX_QUEUE}.")] = 50,
    ) -> list[EnvTicketsTicket]:
        team = decode_team(team_id)
        async with info.context.session() as session:
            return await queue.work_queue(
                session, team_id=team, limit=max(1, min(limit, MAX_QUEUE))
            )

    @query_field(
        description="The national fly-tipping return for a quarter, as CSV: incidents by "
        "size, land type and waste type (duplicates left out), then a total row.",
        permission=RETURN,
    )
    async def env_tickets_fly_tipping_return(
        self,
        info: Info,
        quarter_start: Annotated[
            date, described("First day of the quarter: 1 January, April, July or October.")
        ],
    ) -> str:
        async with info.context.session() as session:
            return await returns.fly_tipping_return(session, quarter_start)
