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

    .venv/bin/python bench/rent_arrears_import.py [--rows 50000] [--seed 0]

Target: <= 5 s end to end per import on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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

POSTGRES = os.environ.get("PDMS_BENCH_POSTGRES_URL")
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


async def run_backend(backend: str, files: list[Path], folder: Path) -> None:
    async with throwaway_database(backend, POSTGRES, folder) as url:
        host = PluginHost.load(Settings(database_url=url, data_dir=folder))
        await asyncio.to_thread(migrations.upgrade, host)
        database = Database.connect(url)
        try:
            await sync_declared_lookups(database, host)
            for week, path in enumerate(files):
                content = path.read_bytes()
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
                assert not outcome.errors, outcome.errors[:3]
                read_seconds, rows = raw_read(path)
                verdict = "ok" if seconds <= TARGET_SECONDS else "OVER TARGET"
                print(
                    f"{backend:10} week {week + 1}: import {seconds:6.2f} s for {rows:,} rows "
                    f"({rows / seconds:,.0f} rows/s) | raw calamine read {read_seconds:5.2f} s "
                    f"| target <= {TARGET_SECONDS:.0f} s: {verdict}"
                )
        finally:
            await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for week in range(2):
            path = folder / f"arrears-week-{week + 1}.xlsx"
            write_report(path, args.rows, week, args.seed)
            files.append(path)
        print(f"report: {args.rows:,} rows, {files[0].stat().st_size / 1e6:.1f} MB .xlsx")
        backends = ["sqlite"] + (["postgresql"] if POSTGRES else [])
        for backend in backends:
            (folder / backend).mkdir()
            asyncio.run(run_backend(backend, files, folder / backend))
        if not POSTGRES:
            print("postgresql: skipped (set PDMS_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    main()
