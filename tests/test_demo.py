"""``pdms demo seed`` builds a consistent fictional council through the real import paths."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, date, datetime

from click.testing import CliRunner
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from pdms_core.activities.models import Activity, Task
from pdms_core.cases.models import CaseParty, CasePlace, CaseRecord
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.demands.models import Demand, DemandCause
from pdms_core.demo.names import typo
from pdms_core.lookups.models import LookupValue
from pdms_core.people.models import ContactDetail, Person, PersonAddress, Relationship
from pdms_core.places.models import Place
from pdms_core.testing.actors import staff
from pdms_dummy.models import Widget

SEARCH = """query($name: String!) {
  people(search: { name: $name }, first: 10) { nodes { forenames surname } } }"""
#: The search indexes' GIN pending lists; what VACUUM merges and ANALYZE does not.
PENDING_PAGES = """SELECT sum(gin_clean_pending_list(i.indexrelid)) FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
  WHERE a.amname = 'gin' AND c.relname LIKE 'search%'"""


async def run(host, *args: str):
    # The CLI runs its own event loop, so it runs in a worker thread here.
    return await asyncio.to_thread(
        CliRunner().invoke, build_cli(CliState.for_host(host)), list(args)
    )


async def count(db, statement) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(statement)


async def test_small_demo_council_is_consistent(pdms_db, pdms_host):
    result = await run(pdms_host, "demo", "seed", "--size", "small")
    assert result.exit_code == 0, result.output
    assert "Demo council ready: 2000 places, 600 people" in result.output
    # each enabled module adds its own records through pdms_demo_seed, and says so
    assert "\n  dummy: 3 widgets\n" in result.output
    assert await count(pdms_db, select(func.count()).select_from(Widget)) == 3

    assert await count(pdms_db, select(func.count()).select_from(Place)) == 2000
    assert await count(pdms_db, select(func.count()).select_from(Person)) == 600
    # every person has exactly one current home
    homes = (
        select(PersonAddress.person_id, func.count().label("n"))
        .join(LookupValue, LookupValue.id == PersonAddress.role_id)
        .where(LookupValue.code == "home", PersonAddress.to_date.is_(None))
        .group_by(PersonAddress.person_id)
        .subquery()
    )
    assert await count(pdms_db, select(func.count()).select_from(homes)) == 600
    assert await count(pdms_db, select(func.max(homes.c.n))) == 1
    # relationships come in inverse pairs
    forward = await count(pdms_db, select(func.count()).select_from(Relationship))
    assert forward > 0 and forward % 2 == 0
    # contact details use reserved fictional ranges only
    async with pdms_db.sessionmaker() as session:
        values = (await session.scalars(select(ContactDetail.value))).all()
    assert values and all(v.startswith("07700 900") or v.endswith("@example.org") for v in values)


async def test_seeding_twice_is_refused_or_skipped(pdms_db, pdms_host):
    assert (await run(pdms_host, "demo", "seed")).exit_code == 0
    again = await run(pdms_host, "demo", "seed")
    assert again.exit_code == 1 and "already holds people" in again.output
    skipped = await run(pdms_host, "demo", "seed", "--if-empty")
    assert skipped.exit_code == 0 and "demo data not added" in skipped.output
    assert await count(pdms_db, select(func.count()).select_from(Person)) == 600


async def test_seeded_people_are_found_by_typoed_names_with_search_indexes_settled(
    pdms_db, pdms_host, graphql
):
    assert (await run(pdms_host, "demo", "seed", "--size", "small")).exit_code == 0
    if pdms_db.backend == "postgresql":
        # Nothing left in the pending lists: every word-index lookup would scan them,
        # and a vocabulary held only there misleads the planner (see demo/seed.py).
        async with pdms_db.engine.begin() as connection:
            assert (await connection.exec_driver_sql(PENDING_PAGES)).scalar_one() == 0
    async with pdms_db.sessionmaker() as session:
        people = (await session.execute(select(Person.forenames, Person.surname))).all()
    names = Counter((f.split()[0], s) for f, s in people)
    unique = sorted(name for name, n in names.items() if n == 1 and len(name[1]) > 5)
    rng = random.Random(3)
    reader = graphql.as_actor(staff("core.people.read"))
    # Enough searches of one shape (one word longer than five letters) for PostgreSQL
    # to consider the generic plan of their prepared vocabulary statement (from the
    # sixth run on a pooled connection), which must answer as the first plans did.
    for forename, surname in rng.sample(unique, 12):
        query = f"{forename} {typo(surname, rng)}"
        result = await reader.execute(SEARCH, {"name": query})
        found = [(p["forenames"].split()[0], p["surname"]) for p in result.ok()["people"]["nodes"]]
        assert (forename, surname) in found, query


async def test_small_demo_histories_hold_together(pdms_db, pdms_host):
    """Nobody has a home before birth; cases, demands and activities follow each other."""
    assert (await run(pdms_host, "demo", "seed", "--size", "small")).exit_code == 0
    parents = aliased(Person)
    later = aliased(Demand)
    broken = {
        "home before birth": select(func.count())
        .select_from(PersonAddress)
        .join(Person, Person.id == PersonAddress.person_id)
        .where(PersonAddress.from_date < Person.date_of_birth),
        "address ends before it starts": select(func.count())
        .select_from(PersonAddress)
        .where(PersonAddress.to_date < PersonAddress.from_date),
        "child older than a parent": select(func.count())
        .select_from(Relationship)
        .join(LookupValue, LookupValue.id == Relationship.type_id)
        .join(Person, Person.id == Relationship.person_id)
        .join(parents, parents.id == Relationship.related_person_id)
        .where(LookupValue.code == "child", Person.date_of_birth <= parents.date_of_birth),
        "demand before its case opened": select(func.count())
        .select_from(Demand)
        .join(CaseRecord, CaseRecord.id == Demand.case_id)
        .where(Demand.received_on < CaseRecord.opened_on),
        "case opened after its presenting demand": select(func.count())
        .select_from(Demand)
        .join(CaseRecord, CaseRecord.id == Demand.case_id)
        .where(Demand.is_presenting, Demand.received_on != CaseRecord.opened_on),
        "demand resolved before received": select(func.count())
        .select_from(Demand)
        .where(Demand.resolved_on < Demand.received_on),
        "root cause received before the case opened": select(func.count())
        .select_from(DemandCause)
        .join(later, later.id == DemandCause.underlying_id)
        .join(CaseRecord, CaseRecord.id == later.case_id)
        .where(later.received_on < CaseRecord.opened_on),
        "subject born after the case opened": select(func.count())
        .select_from(CaseParty)
        .join(CaseRecord, CaseRecord.id == CaseParty.case_id)
        .join(Person, Person.id == CaseParty.person_id)
        .where(Person.date_of_birth > CaseRecord.opened_on),
        # The case is about the subject's home: they lived there when it opened.
        "case about a home the subject had not moved into": select(func.count())
        .select_from(CaseParty)
        .join(CaseRecord, CaseRecord.id == CaseParty.case_id)
        .join(CasePlace, CasePlace.case_id == CaseRecord.id)
        .where(
            ~exists().where(
                PersonAddress.person_id == CaseParty.person_id,
                PersonAddress.place_id == CasePlace.place_id,
                PersonAddress.from_date <= CaseRecord.opened_on,
            )
        ),
        "task of no activity": select(func.count())
        .select_from(Task)
        .outerjoin(Activity, Activity.id == Task.activity_id)
        .where(Activity.id.is_(None)),
    }
    for name, statement in broken.items():
        assert await count(pdms_db, statement) == 0, name
    # core's demo cases; modules' demo seeds add cases of their own
    core_parties = (
        select(func.count())
        .select_from(CaseParty)
        .join(CaseRecord, CaseRecord.id == CaseParty.case_id)
        .where(CaseRecord.module == "core")
    )
    assert await count(pdms_db, core_parties) == 200

    # Moments against days: compared in Python, as a timestamp and a date compare
    # differently in SQLite's text and PostgreSQL's types.
    async with pdms_db.sessionmaker() as session:
        activities = (
            await session.execute(
                select(Activity.occurred_at, CaseRecord.opened_on).join(
                    CaseRecord, CaseRecord.id == Activity.case_id
                )
            )
        ).all()
        received = dict(
            (
                await session.execute(
                    select(Demand.case_id, func.min(Demand.received_on))
                    .where(Demand.module == "core")
                    .group_by(Demand.case_id)
                )
            ).all()
        )
    assert len(activities) == 600 and len(received) == 200
    now = datetime.now(UTC)
    for occurred_at, opened_on in activities:
        assert occurred_at.tzinfo is UTC and occurred_at <= now
        assert occurred_at.date() >= opened_on
    assert all(received_on >= date(2022, 4, 1) for received_on in received.values())
