"""Merging people: a merge and its un-merge of a duplicate with many records.

A fictional duplicate holds ``--contacts`` contact details (moved in batches) and
``--relatives`` relationships in both directions (checked in memory first: the table
has a unique constraint and the pair must stay distinct). Times ``merge_people`` and
``unmerge_people`` (the services ``mergePeople``/``unmergePeople`` run, snapshot
included) beside the floor: the same references moved by one hand-written UPDATE per
column, with no snapshot and no checks. SQLite in a throwaway file; PostgreSQL too
when PDMS_BENCH_POSTGRES_URL names a server.

    .venv/bin/python bench/person_merge.py [--contacts 5000] [--relatives 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, update

from pdms_core.auth.actor import SYSTEM
from pdms_core.db import migrations
from pdms_core.db.bulk import insert_rows
from pdms_core.db.engine import Database
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.host import PluginHost
from pdms_core.lookups.models import LookupValue
from pdms_core.merging.merge import PersonVersion, merge_people
from pdms_core.merging.references import person_references
from pdms_core.merging.unmerge import unmerge_people
from pdms_core.people.models import ContactDetail, Person, Relationship
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.lookups import sync_declared_lookups


async def people(database: Database, count: int) -> list[int]:
    async with unit_of_work(database.sessionmaker) as session:
        rows = [Person(forenames=f"Bench{i}", surname="Testperson") for i in range(count)]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


async def records(database: Database, duplicate: int, others: list[int], contacts: int) -> None:
    async with unit_of_work(database.sessionmaker) as session:
        email = await session.scalar(select(LookupValue.id).where(LookupValue.code == "email"))
        kind = await session.scalar(select(LookupValue.id).where(LookupValue.code == "sibling"))
        await insert_rows(
            session,
            ContactDetail.__table__,
            ("person_id", "type_id", "value", "search_value", "is_preferred"),
            [
                (duplicate, email, f"d{i}@example.invalid", f"d{i}@example.invalid", False)
                for i in range(contacts)
            ],
        )
        await insert_rows(
            session,
            Relationship.__table__,
            ("person_id", "related_person_id", "type_id"),
            [(duplicate, other, kind) for other in others]
            + [(other, duplicate, kind) for other in others],
        )


async def floor(database: Database, survivor: int, duplicate: int) -> float:
    started = time.perf_counter()
    async with unit_of_work(database.sessionmaker) as session:
        for column in (
            ContactDetail.person_id,
            Relationship.person_id,
            Relationship.related_person_id,
        ):
            await session.execute(
                update(column.table).where(column == duplicate).values({column.name: survivor})
            )
    return time.perf_counter() - started


async def run(url: str, contacts: int, relatives: int) -> None:
    host = PluginHost.load(Settings(database_url=url))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        await sync_declared_lookups(database, host)
        survivor, duplicate, *others = await people(database, 2 + relatives)
        await records(database, duplicate, others, contacts)
        references = person_references(host)

        started = time.perf_counter()
        async with unit_of_work(database.sessionmaker) as session:
            merge = await merge_people(
                session,
                SYSTEM,
                survivor=PersonVersion(survivor, 1),
                merged=[PersonVersion(duplicate, 1)],
                references=references,
            )
            merge_id, version = merge.id, merge.version
        merged = time.perf_counter() - started

        started = time.perf_counter()
        async with unit_of_work(database.sessionmaker) as session:
            await unmerge_people(
                session,
                SYSTEM,
                merge_id=merge_id,
                expected_version=version,
                decisions={},
                references=references,
            )
        unmerged = time.perf_counter() - started

        bare = await floor(database, survivor, duplicate)
        moved = contacts + 2 * relatives
        backend = url.split(":", 1)[0]
        print(f"{backend}: {moved} references ({contacts} contacts, {relatives} relatives)")
        print(f"  merge    {merged * 1000:8.0f} ms   floor (plain UPDATEs) {bare * 1000:6.0f} ms")
        print(f"  un-merge {unmerged * 1000:8.0f} ms")
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--relatives", type=int, default=200)
    args = parser.parse_args()
    postgres_url = os.environ.get("PDMS_BENCH_POSTGRES_URL")
    for backend in ("sqlite", "postgresql") if postgres_url else ("sqlite",):
        with tempfile.TemporaryDirectory() as folder:
            async with throwaway_database(backend, postgres_url, Path(folder)) as url:
                await run(url, args.contacts, args.relatives)


if __name__ == "__main__":
    asyncio.run(main())
