"""Gazetteer import throughput and memory, beside the raw bulk insert of the same rows.

Generates a synthetic AddressBase Plus file once (fictional addresses, see
pdms_core/gazetteer/generate.py), then for SQLite, and for PostgreSQL when
PDMS_BENCH_POSTGRES_URL names a server where a throwaway database may be created:

* imports it into a fresh, migrated database with ``import_gazetteer`` (parse, validate,
  format BS 7666 addresses, upsert in one transaction; a file this large is parsed by a
  second process when a core is free for it, and into an empty table has place's
  indexes and search vocabulary built once at the end), and again (idempotent
  re-import, which keeps the indexes: its rows are all stored already);
* measures the floor on another fresh database: the same rows, already parsed, sent
  with executemany INSERTs (SQLite) or COPY straight into ``place`` (PostgreSQL) in one
  transaction, timing only the database calls. The floor gets every advantage the
  import gets: place's secondary indexes and search upkeep are dropped first and built
  once at the end, with the same code as the import (and that build is timed, as is
  the commit); on SQLite rows are sent grouped by their empty columns, written as NULL
  literals (grouping is not timed), because Python's sqlite3 binds None slowly. Not in
  the floor: reading and checking the file, the import's per-batch lookup of stored
  UPRNs, and (PostgreSQL) converting dates for COPY.
* measures the same floor with the indexes and search upkeep kept up row by row (or,
  for PostgreSQL's vocabulary, COPY by COPY), which is what a small import does and
  what the PostgreSQL import did before it deferred them.

Each measurement runs in a child process, so its peak RSS is its own; when the import
used a parser process, its peak is that of the importing process plus the parser's.

    .venv/bin/python bench/gazetteer_import.py [--rows 1000000] [--seed 0] \
        [--backend sqlite|postgresql ...] [--parser auto|process|in-process]

Targets: >= 100k rows/s, peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pdms_core.db import migrations
from pdms_core.db.bulk_indexes import secondary_indexes_deferred
from pdms_core.db.engine import Database
from pdms_core.db.search_bulk import search_indexing_deferred
from pdms_core.gazetteer import import_gazetteer
from pdms_core.gazetteer.addressbase_plus import parse
from pdms_core.gazetteer.generate import generate
from pdms_core.gazetteer.records import PLACE_COLUMNS
from pdms_core.gazetteer.writers import sqlite_inserts
from pdms_core.host import PluginHost
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database

POSTGRES = os.environ.get("PDMS_BENCH_POSTGRES_URL")
BATCH = 20_000
_DATE = PLACE_COLUMNS.index("last_update_date")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# The parser process's own peak, from the kernel's high-water mark of its memory (the
# getrusage figure of a child also counts the parent it was forked from).
_PARSER_PEAK = """
import sys
from pdms_core.gazetteer.background import child_main
child_main(sys.argv[1:])
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]) // 1024, file=sys.stderr)
"""


def parser_peak_mb(file: Path) -> float:
    """Peak RSS of the background parser process on ``file``, run on its own."""
    done = subprocess.run(
        [sys.executable, "-c", _PARSER_PEAK, "addressbase-plus", str(file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
        text=True,
    )
    return float(done.stderr.split()[-1])


async def migrated(url: str, folder: Path) -> Database:
    host = PluginHost.load(Settings(database_url=url, data_dir=folder))
    await asyncio.to_thread(migrations.upgrade, host)
    return Database.connect(url)


async def measure_import(url: str, folder: Path, file: Path, background: bool | None) -> dict:
    database = await migrated(url, folder)
    try:
        cpu = time.process_time()
        first = await import_gazetteer(database, file, "addressbase-plus", background=background)
        cpu = time.process_time() - cpu
        peak = peak_rss_mb()
        again = await import_gazetteer(database, file, "addressbase-plus", background=background)
    finally:
        await database.dispose()
    assert first.ok and first.inserted == first.rows, first.summary()
    assert again.unchanged == again.rows, again.summary()
    return {
        "rows": first.rows,
        "seconds": first.seconds,
        "cpu": cpu,
        "again": again.seconds,
        "rss": peak,
        "background": first.parsed_in_background,
        "deferred": first.upkeep_deferred,
        "again_deferred": again.upkeep_deferred,
    }


async def measure_floor(url: str, folder: Path, file: Path, deferred: bool = True) -> dict:
    database = await migrated(url, folder)
    spent = 0.0
    rows = 0
    try:
        async with database.engine.connect() as connection:
            transaction = await connection.begin()
            await connection.exec_driver_sql("SELECT 1")  # opens the transaction on asyncpg
            driver = (await connection.get_raw_connection()).driver_connection
            # Entered and left by hand so that leaving (the index rebuilds) is timed.
            upkeep = contextlib.AsyncExitStack()
            started = time.perf_counter()
            if deferred:
                await upkeep.enter_async_context(secondary_indexes_deferred(connection, "place"))
                await upkeep.enter_async_context(search_indexing_deferred(connection, "place"))
            spent += time.perf_counter() - started
            batch: list[tuple] = []
            for record in parse(file):
                batch.append(record.values)
                if len(batch) == BATCH:
                    spent += await _send(database.backend, driver, batch)
                    rows += len(batch)
                    batch = []
            spent += await _send(database.backend, driver, batch)
            rows += len(batch)
            started = time.perf_counter()
            await upkeep.aclose()
            await transaction.commit()
            spent += time.perf_counter() - started
    finally:
        await database.dispose()
    return {"rows": rows, "seconds": spent}


async def _send(backend: str, driver, batch: list[tuple]) -> float:  # type: ignore[no-untyped-def]
    if not batch:
        return 0.0
    columns = (*PLACE_COLUMNS, "version")
    if backend == "postgresql":
        # COPY needs real dates for the date column; converting is not the database's work.
        records = [
            (*v[:_DATE], date.fromisoformat(v[_DATE]) if v[_DATE] else None, *v[_DATE + 1 :], 1)
            for v in batch
        ]
        started = time.perf_counter()
        await driver.copy_records_to_table("place", records=records, columns=columns)
        return time.perf_counter() - started
    statements = [(sql, list(parameters)) for sql, parameters in sqlite_inserts(batch)]
    started = time.perf_counter()
    for sql, parameters in statements:
        cursor = await driver.executemany(sql, parameters)
        await cursor.close()
    return time.perf_counter() - started


#: --parser's choices, as import_gazetteer's ``background``.
PARSERS = {"auto": None, "process": True, "in-process": False}


async def child(kind: str, backend: str, file: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database(backend, POSTGRES, Path(folder)) as url:
            if kind.startswith("import"):
                parser = PARSERS[kind.partition(":")[2] or "auto"]
                return await measure_import(url, Path(folder), file, parser)
            return await measure_floor(url, Path(folder), file, deferred=kind == "floor")


def run_child(kind: str, backend: str, file: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, backend, str(file)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--backend",
        action="append",
        choices=("sqlite", "postgresql"),
        help="measure only this backend (may be repeated; default: both, PostgreSQL "
        "when PDMS_BENCH_POSTGRES_URL is set)",
    )
    parser.add_argument(
        "--parser",
        choices=tuple(PARSERS),
        default="auto",
        help="where the import parses the file: a parser process, the importing process, "
        "or (auto, the default) as import_gazetteer decides by the file's size and the load",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, backend, file = args.child
        print(json.dumps(asyncio.run(child(kind, backend, Path(file)))))
        return
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "synthetic-addressbase-plus.csv"
        started = time.perf_counter()
        size = generate(file, args.rows, args.seed)
        print(
            f"generated {args.rows} AddressBase Plus rows ({size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for backend in args.backend or (("sqlite", "postgresql") if POSTGRES else ("sqlite",)):
            if backend == "postgresql" and not POSTGRES:
                parser.error("PostgreSQL needs PDMS_BENCH_POSTGRES_URL")
            imported = run_child(f"import:{args.parser}", backend, file)
            imported["parser_rss"] = parser_peak_mb(file) if imported["background"] else 0
            floor = run_child("floor", backend, file)
            kept = run_child("floor-kept", backend, file)
            rate = imported["rows"] / imported["seconds"]
            floor_rate = floor["rows"] / floor["seconds"]
            where = "a parser process" if imported["background"] else "the importing process"
            print(f"\nbackend {backend}, {imported['rows']} rows, parsed in {where}")
            print(
                f"import:              {rate:9,.0f} rows/s  ({imported['seconds']:.1f} s, "
                f"{imported['cpu']:.1f} s CPU in the importing process; indexes "
                f"{'built at the end' if imported['deferred'] else 'kept up'})"
            )
            print(
                f"floor, raw insert:   {floor_rate:9,.0f} rows/s  ({floor['seconds']:.1f} s; "
                "indexes and search built at the end, timed)"
            )
            print(
                f"ratio to floor:      {floor_rate / rate:9.2f} x  "
                f"(the import at {rate / floor_rate:.0%} of the floor; target >= 70 %)"
            )
            print(
                f"floor, kept up:      {kept['rows'] / kept['seconds']:9,.0f} rows/s  "
                f"({kept['seconds']:.1f} s; indexes and search kept up as rows go in)"
            )
            print(
                f"re-import unchanged: {imported['rows'] / imported['again']:9,.0f} rows/s  "
                f"(indexes {'built at the end' if imported['again_deferred'] else 'kept up'})"
            )
            print(
                f"import peak RSS:     {imported['rss'] + imported['parser_rss']:9.0f} MB  "
                f"({imported['rss']:.0f} MB importing + {imported['parser_rss']:.0f} MB parsing; "
                "target < 500 MB)"
            )


if __name__ == "__main__":
    main()
