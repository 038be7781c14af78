"""``pdms demo seed``: build a fictional council through the real import paths.

Places come from a generated AddressBase Plus file loaded by the gazetteer importer;
people and their cases are bulk-inserted (executemany with RETURNING, not the ORM unit
of work) so the county size (300k places, 100k people, 50k cases with 150k demands, 150k
activities and 450k tasks) builds in minutes.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.db.engine import Database
from pdms_core.db.settle import settle_after_bulk_load
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.demo.bulk import insert_many
from pdms_core.demo.households import DemoPerson, households
from pdms_core.demo.problems import ProblemCounts, add_problems
from pdms_core.gazetteer.generate import generate
from pdms_core.gazetteer.importer import import_gazetteer
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.lookups.sync import sync_lookups
from pdms_core.people.models import (
    ContactDetail,
    ExternalReference,
    Person,
    PersonAddress,
    Relationship,
)
from pdms_core.places.models import Place

#: places, people and cases of each size
SIZES = {"small": (2_000, 600, 200), "county": (300_000, 100_000, 50_000)}


@dataclass
class DemoReport:
    places: int
    people: int
    problems: ProblemCounts
    seconds: float


async def has_people(database: Database) -> bool:
    """Whether the database already holds any person (demo or real)."""
    async with database.sessionmaker() as session:
        return bool(await session.scalar(select(func.count()).select_from(Person)))


async def seed_demo(
    database: Database,
    lookup_sets: Any,
    size: str,
    seed: int = 7,
    progress: Callable[[str], None] = lambda _: None,
) -> DemoReport:
    """Create a fictional council of ``size`` (small or county)."""
    started = time.perf_counter()
    place_count, people_count, case_count = SIZES[size]
    async with unit_of_work(database.sessionmaker) as session:
        await sync_lookups(session, lookup_sets)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-gazetteer.csv"
        progress(f"generating {place_count} places")
        generate(path, place_count, seed)
        progress("importing the gazetteer")
        report = await import_gazetteer(database, path, "addressbase-plus")
        if report.errors:
            raise RuntimeError(f"the generated gazetteer did not import: {report.errors[0]}")
    progress(f"adding {people_count} people")
    async with database.engine.begin() as connection:
        place_ids = list(
            (
                await connection.execute(
                    select(Place.id).where(Place.uprn.is_not(None)).order_by(Place.id)
                )
            ).scalars()
        )
        codes = await _lookup_ids(connection)
        people = list(households(people_count, place_ids, seed))
        ids = await _insert_people(connection, people)
        await _insert_records(connection, people, ids, codes)
        progress(f"adding {case_count} cases with their demands, activities and tasks")
        homes = [(person_id, p.home, p.moved_in) for person_id, p in zip(ids, people, strict=True)]
        problems = await add_problems(connection, case_count, place_ids, homes, seed=seed)
    await settle_after_bulk_load(database)
    return DemoReport(
        places=len(place_ids),
        people=len(people),
        problems=problems,
        seconds=time.perf_counter() - started,
    )


async def _lookup_ids(connection: AsyncConnection) -> dict[str, int]:
    rows = await connection.execute(
        select(LookupSet.code, LookupValue.code, LookupValue.id).join(
            LookupSet, LookupSet.id == LookupValue.set_id
        )
    )
    return {f"{list_code}:{code}": value_id for list_code, code, value_id in rows}


async def _insert_people(connection: AsyncConnection, people: list[DemoPerson]) -> list[int]:
    rows = [
        {
            "forenames": p.forenames,
            "surname": p.surname,
            "date_of_birth": p.date_of_birth,
            "notes": "",
            "version": 1,
        }
        for p in people
    ]
    return await insert_many(connection, Person, rows, returning=True)


async def _insert_records(
    connection: AsyncConnection, people: list[DemoPerson], ids: list[int], codes: dict[str, int]
) -> None:
    addresses, contacts, references, relations = [], [], [], []
    home = codes["address_role:home"]
    for person, person_id in zip(people, ids, strict=True):
        addresses.append(
            {
                "person_id": person_id,
                "place_id": person.home,
                "role_id": home,
                "from_date": person.moved_in,
                "to_date": None,
                "note": "",
            }
        )
        if person.previous_home is not None:
            addresses.append(
                {
                    "person_id": person_id,
                    "place_id": person.previous_home,
                    "role_id": home,
                    "from_date": person.previous_from,
                    "to_date": person.moved_in - timedelta(days=1),
                    "note": "",
                }
            )
        for kind, value, search in (
            ("mobile", person.mobile, (person.mobile or "").replace(" ", "")),
            ("email", person.email, (person.email or "").lower()),
        ):
            if value:
                contacts.append(
                    {
                        "person_id": person_id,
                        "value": value,
                        "search_value": search,
                        "type_id": codes[f"contact_detail_type:{kind}"],
                        "is_preferred": True,
                    }
                )
        if person.tenancy_reference:
            references.append(
                {
                    "person_id": person_id,
                    "value": person.tenancy_reference,
                    "type_id": codes["external_reference_type:tenancy_reference"],
                }
            )
        relations.extend(_relations(person, person_id, ids, codes))
    for model, rows in (
        (PersonAddress, addresses),
        (ContactDetail, contacts),
        (ExternalReference, references),
        (Relationship, relations),
    ):
        await insert_many(connection, model, rows)


def _relations(
    person: DemoPerson, person_id: int, ids: list[int], codes: dict[str, int]
) -> list[dict[str, int]]:
    pairs = []
    if person.partner_of is not None:
        pairs.append((ids[person.partner_of], "partner", "partner"))
    pairs.extend((ids[parent], "child", "parent") for parent in person.child_of)
    rows = []
    for other, kind, inverse in pairs:
        rows.append(
            {
                "person_id": person_id,
                "related_person_id": other,
                "type_id": codes[f"relationship_type:{kind}"],
            }
        )
        rows.append(
            {
                "person_id": other,
                "related_person_id": person_id,
                "type_id": codes[f"relationship_type:{inverse}"],
            }
        )
    return rows
