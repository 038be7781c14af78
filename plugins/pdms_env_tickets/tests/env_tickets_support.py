"""Test support: a database with the declared lists, a person, places, teams and officers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pdms_core.plugin import core_tables, global_id
from pdms_core.testing.actors import staff
from pdms_core.testing.lookups import sync_declared_lookups
from sqlalchemy import insert, select

# A fictional point in a fictional town; offsets are measured from it.
LAT, LON = 52.2000, -1.5000

OFFICER = staff(
    "env_tickets.ticket.read",
    "env_tickets.ticket.write",
    "env_tickets.ticket.assign",
    "env_tickets.return.read",
    "core.cases.read",
    "core.people.read",
    "core.places.read",
    "core.standards.manage",
    name="Eddie Enviro",
)
READER = staff("env_tickets.ticket.read", name="Reggie Reader")

REPORT = """
mutation($input: EnvTicketsReportInput!) {
  envTicketsReport(input: $input) {
    ticket {
      id reference isOpen dueOn version latitude longitude locationDescription description
      reporterName reporterEmail placeId personId caseId demandId
      type { code } status { code } channel { code }
      flyTipping { size { code } landType { code } wasteType { code } }
      vehicle { registration make colour taxStatus dangerous noticeExpiresAt }
      history { kind newValue }
    }
    errors { code field message }
  }
}
"""
COUNT = "{ envTicketsTickets(first: 100) { edges { node { id } } } }"


@dataclass(frozen=True)
class World:
    person: str
    person_id: int
    place: str
    place_uprn: int
    team: str
    other_team: str


async def build_world(db: Any, host: Any) -> World:
    await sync_declared_lookups(db, host)
    async with db.sessionmaker() as session, session.begin():
        person = (
            await session.execute(
                insert(core_tables.person).values(forenames="Polly", surname="Reporter", version=1)
            )
        ).inserted_primary_key[0]
        place = (
            await session.execute(
                insert(core_tables.place).values(
                    uprn=100012345678,
                    single_line_address="1 Fictional Lane, Testbury, TB1 1AA",
                    latitude=LAT,
                    longitude=LON,
                    ward_code="E05000001",
                    version=1,
                )
            )
        ).inserted_primary_key[0]
        teams = {}
        for code, name in (("north_crew", "North crew"), ("south_crew", "South crew")):
            teams[code] = (
                await session.execute(
                    insert(core_tables.team).values(
                        module="env_tickets", code=code, name=name, is_active=True
                    )
                )
            ).inserted_primary_key[0]
    return World(
        person=global_id("Person", person),
        person_id=person,
        place=global_id("Place", place),
        place_uprn=100012345678,
        team=global_id("Team", teams["north_crew"]),
        other_team=global_id("Team", teams["south_crew"]),
    )


async def report(graphql: Any, actor: Any = OFFICER, **given: Any) -> dict[str, Any]:
    given.setdefault("typeCode", "fly_tipping")
    result = await graphql.as_actor(actor).execute(REPORT, {"input": given})
    return result.ok()["envTicketsReport"]


async def ticket_count(db: Any) -> int:
    from sqlalchemy import func

    from pdms_env_tickets.models import Ticket

    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Ticket))
