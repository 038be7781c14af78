"""Duplicate people: the batch job's precision, recall, time and memory; the online check.

Builds fictional people with planted duplicates (typos, nicknames, swapped names,
day and month reversed, missing birth dates, moves; households, twins and namesake
fathers and sons as look-alikes) in a throwaway SQLite file, and in a throwaway
PostgreSQL database too when PDMS_BENCH_POSTGRES_URL names a server. Runs the job as
`pdms people find-duplicates --retrain` does (training included), then compares the
proposed pairs with the planted ones. Then times the online check (what
`duplicateCandidates` runs) for planted duplicates' records typed again.

    .venv/bin/python bench/duplicate_people.py [--people 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.linkage.batch import find_duplicates
from pdms_core.linkage.features import PersonFacts
from pdms_core.linkage.fictional import Population, insert_population, population
from pdms_core.linkage.models import OPEN, DuplicateReview
from pdms_core.linkage.online import duplicate_candidates
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.lookups import sync_declared_lookups

SEED = 20261207
PRECISION, RECALL, SECONDS, MEGABYTES, ONLINE_MS = 0.95, 0.90, 120, 2048, 50


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def online(database: Database, fake: Population, ids: list[int], count: int) -> None:
    """Each planted duplicate's record as typed, looked up before it would be created."""
    timings, found = [], 0
    pairs = sorted(fake.planted)[:count]
    for original, copy in pairs:
        person = fake.people[copy]
        facts = PersonFacts(person.forenames, person.surname, person.date_of_birth)
        postcode = fake.places[person.homes[-1]][0]
        contacts = [value for _, value in person.contacts]
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            best = await duplicate_candidates(
                session, facts, postcode=postcode, contacts=contacts, exclude=ids[copy]
            )
        timings.append(time.perf_counter() - started)
        found += bool(best) and best[0].person_id == ids[original]
    p95 = statistics.quantiles(timings, n=100)[94] * 1000
    p50 = statistics.median(timings) * 1000
    print(f"  online check: p50 {p50:5.1f} ms  p95 {p95:5.1f} ms   (target p95 <= {ONLINE_MS} ms)")
    print(f"    original ranked first for {found / len(pairs):.1%} of {len(pairs)} duplicates")


async def run(url: str, fake: Population, queries: int) -> None:
    settings = Settings(database_url=url)
    host = PluginHost.load(settings)
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        await sync_declared_lookups(database, host)
        started = time.perf_counter()
        ids = await insert_population(database, fake)
        loaded = time.perf_counter() - started
        # What autovacuum does after an import: statistics for the planner.
        async with database.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql(
                "VACUUM ANALYZE" if database.backend == "postgresql" else "ANALYZE"
            )
        before = peak_megabytes()
        started = time.perf_counter()
        await find_duplicates(
            database,
            run_by="bench",
            backend="duckdb",
            threshold=settings.duplicate_threshold,
            retrain=True,
        )
        took = time.perf_counter() - started
        async with database.sessionmaker() as session:
            proposed = {
                (a, b)
                for a, b in (
                    await session.execute(
                        select(DuplicateReview.person_id, DuplicateReview.other_person_id).where(
                            DuplicateReview.status == OPEN
                        )
                    )
                ).all()
            }
        planted = {tuple(sorted((ids[i], ids[j]))) for i, j in fake.planted}
        right = len(proposed & planted)
        precision = right / len(proposed) if proposed else 0.0
        recall = right / len(planted)
        print(f"backend {database.backend}: {len(ids):,} people loaded in {loaded:.0f} s")
        print(f"  planted pairs {len(planted):,}, proposed {len(proposed):,}, right {right:,}")
        print(f"  precision {precision:.3f}   (target >= {PRECISION})")
        print(f"  recall    {recall:.3f}   (target >= {RECALL})")
        print(f"  job wall time {took:.1f} s, training included   (target <= {SECONDS} s)")
        print(
            f"  peak memory {peak_megabytes():.0f} MB (process; {before:.0f} MB before the job)"
            f"   (target <= {MEGABYTES} MB)"
        )
        await online(database, fake, ids, queries)
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    fake = population(args.people, SEED)
    postgres_url = os.environ.get("PDMS_BENCH_POSTGRES_URL")
    for backend in ("sqlite", "postgresql") if postgres_url else ("sqlite",):
        with tempfile.TemporaryDirectory() as folder:
            async with throwaway_database(backend, postgres_url, Path(folder)) as url:
                await run(url, fake, args.queries)


if __name__ == "__main__":
    asyncio.run(main())
