"""Person search over a million fictional people: latency and recall for typo'd names.

Builds the people (fixed seed; bulk insert, the search triggers firing as they would
for an import) in a throwaway SQLite file, and in a throwaway PostgreSQL database too
when PDMS_BENCH_POSTGRES_URL names a server. Then searches for a few hundred labelled
queries: the full name of a known person (one whose forename and surname together are
unique) with a typo in the forename, the surname or both. Prints p50/p95 latency of
``search_people`` and recall@10 (the person is on the first page of ten), beside the
floor: the raw word-index query for the correctly spelt name, through the same engine.

    .venv/bin/python bench/person_search.py [--people 1000000] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.db.search_bulk import search_indexing_deferred
from pdms_core.db.words import words
from pdms_core.demo.names import people, typo
from pdms_core.host import PluginHost
from pdms_core.people.search import NAMES, PersonSearch, search_people
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database

SEED = 20261122
INSERT = (
    "INSERT INTO person (forenames, surname, date_of_birth, notes, version) VALUES (?, ?, ?, '', 1)"
)
COLUMNS = ["forenames", "surname", "date_of_birth", "notes", "version"]


async def load(database: Database, rows: list) -> None:
    """All rows in one transaction: COPY on PostgreSQL, executemany on SQLite, with the
    search index rebuilt once at the end rather than row by row (as an import would)."""
    async with (
        database.engine.begin() as connection,
        search_indexing_deferred(connection, "person"),
    ):
        if database.backend == "postgresql":
            raw = (await connection.get_raw_connection()).driver_connection
            await raw.copy_records_to_table(
                "person", records=[(f, s, d, "", 1) for f, s, d in rows], columns=COLUMNS
            )
        else:
            await connection.exec_driver_sql(INSERT, [(f, s, d.isoformat()) for f, s, d in rows])
    # What autovacuum does after an import: statistics for the planner, and on
    # PostgreSQL the GIN pending list merged (a query scans that list linearly).
    maintenance = "VACUUM ANALYZE" if database.backend == "postgresql" else "ANALYZE"
    async with database.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql(maintenance)


def labelled_queries(rows: list, count: int) -> list[tuple[str, int, str]]:
    """(typo'd query, target person id, correct name) for people with a unique name."""
    rng = random.Random(SEED + 1)
    names = Counter((f.split()[0], s) for f, s, _ in rows)
    unique = [n for n, (f, s, _) in enumerate(rows) if names[(f.split()[0], s)] == 1]
    queries = []
    for n in rng.sample(unique, count):
        forename, surname = rows[n][0].split()[0], rows[n][1]
        where = rng.choice(("forename", "surname", "both"))
        typed_forename = typo(forename, rng) if where != "surname" else forename
        typed_surname = surname
        if where != "forename":
            parts = surname.split("-")
            slip = rng.randrange(len(parts))
            parts[slip] = typo(parts[slip], rng)
            typed_surname = "-".join(parts)
        queries.append((f"{typed_forename} {typed_surname}", n + 1, f"{forename} {surname}"))
    return queries


async def time_search(database: Database, queries: list) -> tuple[list[float], float]:
    timings, found = [], 0
    for query, target, _ in queries:
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            page = await search_people(session, PersonSearch(name=query), first=10, after=None)
        timings.append(time.perf_counter() - started)
        found += target in {person.id for person in page.rows}
    return timings, found / len(queries)


async def time_floor(database: Database, queries: list) -> list[float]:
    """The word-index lookup alone, for the correctly spelt name."""
    if database.backend == "postgresql":
        sql = (
            f"SELECT person.id FROM person WHERE to_tsvector('simple', "
            f"replace({NAMES.text_sql}, '-', ' ')) @@ to_tsquery('simple', :q) LIMIT 10"
        )
        join = " & "
    else:
        sql = "SELECT rowid FROM search_person WHERE search_person MATCH :q LIMIT 10"
        join = " AND "
    timings = []
    for _, _, name in queries:
        query = join.join(f"'{w}'" if join == " & " else f'"{w}"' for w in words(name))
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            (await session.execute(text(sql), {"q": query})).all()
        timings.append(time.perf_counter() - started)
    return timings


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] * 1000


async def run(url: str, rows: list, queries: list) -> None:
    host = PluginHost.load(Settings(database_url=url))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        started = time.perf_counter()
        await load(database, rows)
        loaded = time.perf_counter() - started
        await time_search(database, queries[:30])  # warm the caches and the pool
        await time_floor(database, queries[:30])
        searched, recall = await time_search(database, queries)
        floor = await time_floor(database, queries)
    finally:
        await database.dispose()
    p50, p95 = percentile(searched, 0.5), percentile(searched, 0.95)
    f50, f95 = percentile(floor, 0.5), percentile(floor, 0.95)
    print(f"backend {database.backend}: {len(rows):,} people loaded in {loaded:.0f} s")
    print(f"  search_people, typo'd full name: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    print(f"  floor, raw word-index query:     p50 {f50:6.1f} ms  p95 {f95:6.1f} ms")
    print(f"  ratio to floor (p50):            {p50 / f50:6.1f} x")
    print(f"  recall@10 over {len(queries)} labelled queries: {recall:.1%}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rows = people(args.people, SEED)
    queries = labelled_queries(rows, args.queries)
    postgres_url = os.environ.get("PDMS_BENCH_POSTGRES_URL")
    for backend in ("sqlite", "postgresql") if postgres_url else ("sqlite",):
        with tempfile.TemporaryDirectory() as folder:
            async with throwaway_database(backend, postgres_url, Path(folder)) as url:
                await run(url, rows, queries)


if __name__ == "__main__":
    asyncio.run(main())
