"""Fictional street reports for the demo council (``pdms demo seed``).

Reports fall on the demo's own places (most at a property, the rest at a point near one,
with a description), over the last year. A share come from people in the demo, who report
at points (not at someone else's home); the rest are anonymous. Older tickets are mostly
closed, some callers are added to an existing ticket (a chaser), and tickets are spread
over the module's teams when there are any. Everything goes through the module's
services, so each ticket has its case and demand.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from pdms_core.plugin import SYSTEM, core_tables, unit_of_work
from sqlalchemy import select

from pdms_env_tickets.geo import offset_north
from pdms_env_tickets.lists import LAND_SEEDS, MODULE, SIZE_SEEDS, WASTE_SEEDS
from pdms_env_tickets.services import changes, duplicates, tickets

COUNTS = {"small": 150, "county": 3000}
BATCH = 100
TYPES = (
    ("fly_tipping", 30),
    ("litter", 15),
    ("dog_fouling", 12),
    ("missed_bin", 15),
    ("graffiti", 10),
    ("abandoned_vehicle", 6),
    ("noise", 7),
    ("pests", 5),
)
SPOTS = (
    "Lay-by on the bypass",
    "Back lane behind the shops",
    "Entrance to the park",
    "Footpath by the brook",
    "Car park corner",
)
MAKES = ("Fictiva", "Motorola Carriage", "Testa", "Imaginaut")
COLOURS = ("Red", "Silver", "Blue", "Black", "White")


async def _places(session: Any) -> list[Any]:
    place = core_tables.place
    rows = await session.execute(
        select(place.c.id, place.c.latitude, place.c.longitude)
        .where(place.c.latitude.is_not(None))
        .order_by(place.c.id)
        .limit(20_000)
    )
    return list(rows)


async def _ids(session: Any, statement: Any) -> list[int]:
    return list(await session.scalars(statement))


def _new(rng: random.Random, places: list[Any], people: list[int], day: datetime) -> Any:
    kind = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    spot = rng.choice(places)
    new = tickets.NewTicket(
        type_code=kind, reported_at=day, channel_code=rng.choice(("phone", "web", "email", "web"))
    )
    if rng.random() < 0.6:
        new.place_id = spot.id
    else:
        new.latitude, new.longitude = offset_north(
            spot.latitude, spot.longitude, rng.uniform(-300, 300)
        )
        new.location_description = rng.choice(SPOTS)
    # A known person reports at a point: a case at a place names its residents' homes,
    # and the demo's people live elsewhere.
    if people and new.place_id is None and rng.random() < 0.7:
        new.person_id = rng.choice(people)
    else:
        new.reporter_name = "Demo Reporter"
        new.reporter_email = f"reporter{rng.randrange(10_000)}@example.invalid"
    new.description = f"Demo report of {kind.replace('_', ' ')}"
    if kind == "fly_tipping":
        new.fly_tipping = tickets.FlyTipping(
            rng.choice(SIZE_SEEDS).code, rng.choice(LAND_SEEDS).code, rng.choice(WASTE_SEEDS).code
        )
    elif kind == "abandoned_vehicle":
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXY") for _ in range(3))
        new.vehicle = tickets.Vehicle(
            registration=f"DM{rng.randrange(10, 99)}{letters}",
            make=rng.choice(MAKES),
            colour=rng.choice(COLOURS),
            tax_status=rng.choice(("taxed", "untaxed", "sorn", "unknown")),
            dangerous=rng.random() < 0.1,
        )
    return new


async def seed_tickets(database: Any, size: str, seed: int, modules: set[str]) -> str:
    rng = random.Random(f"env_tickets-{seed}")
    count = COUNTS.get(size, COUNTS["small"])
    async with database.sessionmaker() as session:
        places = await _places(session)
        people = await _ids(session, select(core_tables.person.c.id).limit(20_000))
        team = core_tables.team
        teams = await _ids(
            session,
            select(team.c.id).where(team.c.module == MODULE, team.c.is_active.is_(True)),
        )
    if not places:
        return "env_tickets: no places with coordinates, no tickets"
    now = datetime.now(UTC).replace(microsecond=0)
    closed = chasers = 0
    for start in range(0, count, BATCH):
        async with unit_of_work(database.sessionmaker) as session:
            for _ in range(min(BATCH, count - start)):
                day = now - timedelta(days=rng.uniform(0, 365))
                ticket = await tickets.report_ticket(
                    session, SYSTEM, _new(rng, places, people, day), known_modules=modules
                )
                if teams and rng.random() < 0.6:
                    await changes.assign(
                        session, SYSTEM, ticket_ids=[ticket.id], team_id=rng.choice(teams)
                    )
                if rng.random() < 0.1:
                    await duplicates.add_interested_party(
                        session,
                        SYSTEM,
                        ticket_id=ticket.id,
                        chaser=duplicates.Chaser(name="Demo Caller", note="Still there"),
                    )
                    chasers += 1
                if (now - day).days > 14 and rng.random() < 0.75:
                    await changes.set_status(
                        session,
                        SYSTEM,
                        ticket_id=ticket.id,
                        expected_version=ticket.version,
                        status_code=rng.choice(("fixed", "fixed", "closed", "no_further_action")),
                        note="Demo: done",
                    )
                    closed += 1
    return f"env_tickets: {count:,} tickets, {closed:,} closed, {chasers:,} chasers"
