"""Rent arrears weekly report import, end to end, beside the raw read of the same file.

Writes a fictional 50,000-row weekly arrears report as .xlsx (fixed seed), then for
SQLite, and for PostgreSQL when PDMS_BENCH_POSTGRES_URL names a server where a throwaway
database may be created, on a fresh migrated database with the lists synced:

* week 1: ``import_report`` of the file in one unit of work (read with python-calamine,
  match columns, check every row, create the accounts, link, derive segments, write the
  week, commit): every account is new;
* week 2: the next week's file (balances moved), so every row is compared with the week
  before: the weekly case;

and prints each beside the floor: python-calamine reading the same workbook into rows.

Then the same two weeks through the real command line on another fresh database (set up
with ``pdms db upgrade`` and ``pdms lookups sync``, untimed): ``pdms rent_arrears import
FILE --report-date DAY`` in a new process, timed from start to exit, as an officer or a
cron job runs it; beside it ``pdms --version``, the CLI's own start-up.

    .venv/bin/python bench/rent_arrears_import.py [--rows 50000] [--seed 0]
        [--database-url postgresql://user@host:5432/postgres] [--backend sqlite|postgresql]

``--database-url`` (or PDMS_BENCH_POSTGRES_URL) names a PostgreSQL server where throwaway
databases may be created. Target: <= 5 s end to end per import on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter
from pdms_rent_arrears.importer import import_report
from python_calamine import CalamineWorkbook

from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.plugin import SYSTEM, unit_of_work
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.lookups import sync_declared_lookups

PDMS = str(Path(sys.executable).parent / "pdms")
TARGET_SECONDS = 5.0
WEEK_1 = date(2026, 9, 7)
HEADERS = [
    "Account Ref", "Tenant", "Property Address", "UPRN", "Weekly Rent", "Arrears Balance",
    "Last Payment Date", "Last Payment", "UC", "Patch",
]  # fmt: skip
PATCHES = ["North", "South", "East", "West"]
STREETS = ["Fictional Row", "Sample Street", "Example Avenue", "Testing Lane", "Mock Close"]


def write_report(path: Path, rows: int, week: int, seed: int) -> None:
    """A fictional report: the same accounts every week, balances drifting by seed."""
    rng = random.Random(seed)
    report_date = WEEK_1 + timedelta(weeks=week)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Arrears")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for n in range(rows):
        rent = round(rng.uniform(70, 160), 2)
        balance = round(rng.choice([0, 0, -10, 25, 150, 400]) + rng.uniform(-5, 5) * week, 2)
        row = n + 1
        sheet.write_string(row, 0, f"RA{n:07d}")
        sheet.write_string(row, 1, f"Tenant {n}")
        sheet.write_string(row, 2, f"{n % 200 + 1} {STREETS[n % 5]}, Testville")
        sheet.write_string(row, 3, str(990_000_000_000 + n))
        sheet.write_number(row, 4, rent)
        sheet.write_number(row, 5, balance)
        sheet.write_datetime(row, 6, report_date - timedelta(days=n % 6), dates)
        sheet.write_number(row, 7, rent)
        sheet.write_string(row, 8, "Y" if n % 4 == 0 else "N")
        sheet.write_string(row, 9, PATCHES[n % 4])
    workbook.close()


def raw_read(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - start, len(rows) - 1


async def run_backend(backend: str, server: str | None, files: list[Path], folder: Path) -> None:
    async with throwaway_database(backend, server, folder) as url:
        host = PluginHost.load(Settings(database_url=url, data_dir=folder))
        await asyncio.to_thread(migrations.upgrade, host)
        database = Database.connect(url)
        try:
            await sync_declared_lookups(database, host)
            for week, path in enumerate(files):
                content = path.read_bytes()
                cpu = time.process_time()
                start = time.perf_counter()
                async with unit_of_work(database.sessionmaker) as session:
                    outcome = await import_report(
                        session,
                        SYSTEM,
                        content=content,
                        file_name=path.name,
                        report_date=WEEK_1 + timedelta(weeks=week),
                        max_bytes=len(content) + 1,
                    )
                seconds = time.perf_counter() - start
                cpu = time.process_time() - cpu
                assert not outcome.errors, outcome.errors[:3]
                read_seconds, rows = raw_read(path)
                verdict = "ok" if seconds <= TARGET_SECONDS else "OVER TARGET"
                print(
                    f"{backend:10} week {week + 1}: import {seconds:6.2f} s for {rows:,} rows "
                    f"({rows / seconds:,.0f} rows/s, CPU {cpu:4.2f} s) "
                    f"| raw calamine read {read_seconds:5.2f} s "
                    f"| target <= {TARGET_SECONDS:.0f} s: {verdict}"
                )
        finally:
            await database.dispose()


def pdms(url: str, folder: Path, *args: str) -> tuple[float, float]:
    """Run ``pdms ARGS`` on the database ``url``: its wall and CPU seconds (user + system,
    the process alone; the machine's load shows in the first, hardly in the second)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=url, PDMS_DATA_DIR=str(folder))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([PDMS, *args], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if result.returncode != 0:
        raise SystemExit(f"pdms {' '.join(args[:2])} failed:\n{result.stderr[-2000:]}")
    return seconds, cpu


async def run_cli(backend: str, server: str | None, files: list[Path], folder: Path) -> None:
    """The same imports through the console script, each in a new process."""
    async with throwaway_database(backend, server, folder) as url:
        pdms(url, folder, "db", "upgrade")
        pdms(url, folder, "lookups", "sync")
        start_up = min(pdms(url, folder, "--version")[0] for _ in range(3))
        for week, path in enumerate(files):
            day = (WEEK_1 + timedelta(weeks=week)).isoformat()
            seconds, cpu = pdms(
                url, folder, "rent_arrears", "import", str(path), "--report-date", day
            )
            verdict = "ok" if seconds <= TARGET_SECONDS else "OVER TARGET"
            print(
                f"{backend:10} week {week + 1}: pdms rent_arrears import {seconds:6.2f} s "
                f"end to end (CPU {cpu:4.2f} s) | pdms --version {start_up:5.2f} s "
                f"| target <= {TARGET_SECONDS:.0f} s: {verdict}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PDMS_BENCH_POSTGRES_URL"),
        help="PostgreSQL server for throwaway databases (default PDMS_BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default=None)
    parser.add_argument("--cli-only", action="store_true", help="Skip the in-process runs.")
    args = parser.parse_args()
    server = args.database_url
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for week in range(2):
            path = folder / f"arrears-week-{week + 1}.xlsx"
            write_report(path, args.rows, week, args.seed)
            files.append(path)
        print(f"report: {args.rows:,} rows, {files[0].stat().st_size / 1e6:.1f} MB .xlsx")
        backends = ["sqlite"] + (["postgresql"] if server else [])
        if args.backend:
            backends = [b for b in backends if b == args.backend]
        for backend in backends:
            (folder / backend).mkdir()
            if not args.cli_only:
                asyncio.run(run_backend(backend, server, files, folder / backend))
            (folder / f"{backend}-cli").mkdir()
            asyncio.run(run_cli(backend, server, files, folder / f"{backend}-cli"))
        if not server:
            print("postgresql: skipped (pass --database-url or set PDMS_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    main()
