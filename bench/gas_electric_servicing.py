"""Gas and electrical servicing at county scale: lists and BS01 p95, and a 5,000-row return.

Builds a fictional county in a throwaway database (PostgreSQL when PDMS_BENCH_POSTGRES_URL
names a server where one may be created, else a SQLite file): 45,000 places, and the
module's demo seed for the county size on them (45,000 homes, 30,000 with gas, up to three
years of gas checks each, EICRs). Then, through the real GraphQL app (in process, one
staff actor):

* the overdue list and the due-within-30-days list (``gasElectricHomeList``, first 100,
  with each home's address, due date and breaches) and BS01 (``measure``), each 50 times:
  p50 and p95, beside the floor: the same page of home ids straight from SQL;
* the statement count of each request, for 100 homes and for 10 (it must not change);
* a contractor return of 5,000 rows (CSV, fixed seed) imported in one unit of work, beside
  the floor: reading and parsing the same CSV. A gas certificate has one row per landlord
  appliance of its home, each naming the appliance by location and type as a return
  quotes it (homes without appliances: one row naming none); every fifth home an EICR.

    PDMS_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/gas_electric_servicing.py [--repeat 50]

The app's process is tuned as ``pdms serve`` tunes it (``tune_garbage_collector``).
Targets: lists and BS01 <= 100 ms p95 on PostgreSQL; the return <= 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import statistics
import time
from datetime import timedelta

from pdms_gas_electric.demo import seed_demo
from pdms_gas_electric.models import Appliance, Home
from pdms_gas_electric.returns import import_return
from scratch_db import bench_database
from sqlalchemy import event, func, or_, select

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.lookups.sync import sync_lookups
from pdms_core.plugin import SYSTEM, core_tables, insert_rows, today
from pdms_core.serving import tune_garbage_collector
from pdms_core.settings import Settings
from pdms_core.testing.actors import TestActors, staff
from pdms_core.testing.client import GraphQLClient

PLACES = 45_000
RETURN_ROWS = 5_000
LIST = """query($status: GasElectricHomeStatus!, $first: Int) {
  gasElectricHomeList(status: $status, first: $first) {
    nodes { id address uprn gasDueOn lastGasCheckOn breaches } } }"""
BS01 = '{ measure(name: "gas_electric.bs01") { rows } }'
VIEWER = staff("gas_electric.home.read", "core.measures.read", name="Bench Viewer")


async def build(database: Database, host: PluginHost) -> str:
    async with unit_of_work(database.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)
        await insert_rows(
            session,
            core_tables.place,
            ["uprn", "single_line_address", "postcode", "version"],
            [
                (990_000_000_000 + n, f"{n % 400 + 1} Bench Row, Testville", "TE1 1ST", 1)
                for n in range(PLACES)
            ],
        )
    return await seed_demo(database, "county", seed=7)


def percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


async def timed(work, repeat: int) -> tuple[float, float]:
    await work()  # warm
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


class Statements:
    """Statements on every engine of the database (the readers' too)."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        for engine in database.engines:
            event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs) -> None:
        self.count += 1


ReturnHome = tuple[str, str, list[tuple[str, str]]]


def return_file(database_homes: list[ReturnHome], seed: int) -> bytes:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "type",
            "uprn",
            "property_reference",
            "date",
            "certificate_number",
            "engineer",
            "gas_safe_number",
            "result",
            "observations",
            "copy_given_on",
            "appliance_location",
            "appliance_type",
        ]
    )
    written = 0
    for n, (uprn, reference, appliances) in enumerate(rng.sample(database_homes, RETURN_ROWS)):
        if written >= RETURN_ROWS:
            break
        day = (today() - timedelta(days=rng.randint(1, 25))).isoformat()
        if n % 5 == 4:
            written += 1
            writer.writerow(
                [
                    "eicr",
                    "",
                    reference,
                    day,
                    f"RET-E{n}",
                    "Bench Inspector",
                    "",
                    "satisfactory",
                    "C3",
                    day,
                ]
            )
        else:
            lines = appliances[: RETURN_ROWS - written] or [("", "")]
            written += len(lines)
            for location, kind in lines:
                writer.writerow(
                    [
                        *("gas", uprn, "", day, f"RET-G{n}", "Bench Engineer", "123456", "pass"),
                        *("", day, location, kind),
                    ]
                )
    return buffer.getvalue().encode()


async def return_homes(database: Database) -> list[ReturnHome]:
    """Every home's UPRN, reference, and the (location, type) codes of its landlord
    appliances that no other appliance of the home shares."""
    kind = core_tables.lookup_value.alias("kind")
    place = core_tables.lookup_value.alias("place")
    async with database.sessionmaker() as session:
        homes = {
            home_id: (str(uprn), reference, [])
            for home_id, uprn, reference in await session.execute(
                select(Home.id, core_tables.place.c.uprn, Home.property_reference).join(
                    core_tables.place, Home.place_id == core_tables.place.c.id
                )
            )
        }
        pairs = (
            await session.execute(
                select(Appliance.home_id, place.c.code, kind.c.code)
                .join(kind, kind.c.id == Appliance.type_id)
                .join(place, place.c.id == Appliance.location_id)
                .where(Appliance.removed_on.is_(None), Appliance.landlord_owned)
            )
        ).all()
    counts: dict[tuple[int, str, str], int] = {}
    for pair in pairs:
        counts[pair] = counts.get(pair, 0) + 1
    for (home_id, location, type_code), count in sorted(counts.items()):
        if count == 1:
            homes[home_id][2].append((location, type_code))
    return list(homes.values())


async def run(url: str, repeat: int) -> None:
    actors = TestActors()
    settings = Settings(database_url=url)
    host = PluginHost.load(
        settings,
        entry_points=[e for e in installed_entry_points() if e.name == "gas_electric"],
        extra_hooks=[actors],
    )
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(settings.resolved_database_url)
    started = time.perf_counter()
    print(await build(database, host), f"({time.perf_counter() - started:.1f} s to build)")
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")
    client = GraphQLClient(create_app(host=host, database=database), actors).as_actor(VIEWER)
    tune_garbage_collector()  # as `pdms serve` does for each server process
    statements = Statements(database)

    async def ask(document: str, variables: dict | None = None) -> None:
        (await client.execute(document, variables or {})).ok()

    async with database.sessionmaker() as session:
        needs = await session.scalar(
            select(func.count()).select_from(Home).where(Home.needs_gas_check)
        )
    print(f"backend {database.engine.dialect.name}; homes needing a gas check: {needs:,}")
    for label, document, variables in (
        ("overdue list (100)", LIST, {"status": "GAS_OVERDUE", "first": 100}),
        ("due-within-30 list (100)", LIST, {"status": "GAS_DUE_30", "first": 100}),
        ("BS01", BS01, None),
    ):
        p50, p95 = await timed(lambda d=document, v=variables: ask(d, v), repeat)
        statements.count = 0
        await ask(document, variables)
        big = statements.count
        if variables:
            statements.count = 0
            await ask(document, {**variables, "first": 10})
            small = statements.count
        else:
            small = big
        print(
            f"{label:28} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (target <= 100 ms p95); "
            f"statements {big} (10 homes: {small})"
        )

    async def floor() -> None:
        async with database.sessionmaker() as session:
            # the list's two reads: never checked by id, then overdue by due date
            overdue = (
                Home.needs_gas_check,
                or_(Home.gas_due_on.is_(None), Home.gas_due_on < today()),
            )
            await session.execute(
                select(Home.id)
                .where(*overdue, Home.gas_due_on.is_(None))
                .order_by(Home.id)
                .limit(101)
            )
            await session.execute(
                select(Home.id)
                .where(*overdue, Home.gas_due_on.is_not(None))
                .order_by(Home.gas_due_on, Home.id)
                .limit(101)
            )

    p50, p95 = await timed(floor, repeat)
    print(f"{'floor: a page of ids in SQL':28} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")

    content = return_file(await return_homes(database), 11)
    started = time.perf_counter()
    async with unit_of_work(database.sessionmaker) as session:
        outcome = await import_return(
            session, SYSTEM, content=content, file_name="return.csv", max_bytes=50_000_000
        )
    seconds = time.perf_counter() - started
    assert outcome.imported and not outcome.row_errors, outcome.row_errors[:3]
    started = time.perf_counter()
    rows = list(csv.reader(io.StringIO(content.decode())))
    parse = time.perf_counter() - started
    print(
        f"return of {outcome.rows:,} rows ({outcome.gas_checks:,} gas, {outcome.eicrs:,} EICRs): "
        f"{seconds:.2f} s (target <= 3 s); floor: reading the CSV {parse * 1000:.0f} ms "
        f"({len(rows) - 1:,} rows)"
    )
    await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.repeat)


if __name__ == "__main__":
    asyncio.run(main())
