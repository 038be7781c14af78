"""Strategic measures at county scale: every core measure over 150,000 demands.

Bulk-loads a fictional county (fixed seed: the demo seeder's cases over places of its
own) into a fresh SQLite file, or PostgreSQL when PDMS_BENCH_POSTGRES_URL names a
server where a throwaway database may be created, then times each core measure
(service call, unfiltered and with a postcode-area filter) beside its floor: the
simplest aggregate over the table it reads (count per type).

    .venv/bin/python bench/measures.py [--demands 150000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import date, timedelta

from scratch_db import bench_database
from sqlalchemy import func, select

from pdms_core.activities.models import Task
from pdms_core.cases.models import CaseRecord
from pdms_core.conditions.models import SystemCondition, SystemConditionEffect
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.demands.models import Demand
from pdms_core.demo.bulk import insert_many
from pdms_core.demo.problems import add_problems
from pdms_core.host import PluginHost
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.lookups.sync import sync_lookups
from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.services import compute_measure
from pdms_core.places.models import Place
from pdms_core.settings import Settings

FLOORS = {"system_conditions": SystemCondition.type_id, "activity_time": Task.category_id}
START = date(2022, 4, 1)


async def ids_of(session, set_code: str) -> list[int]:
    rows = await session.execute(
        select(LookupValue.id).join(LookupSet).where(LookupSet.code == set_code)
    )
    return list(rows.scalars())


async def seed(database: Database, host: PluginHost, demands: int) -> None:
    """Places of their own (postcodes in a few areas), then the demo seeder's cases."""
    rng = random.Random(7)
    cases = demands // 3
    async with unit_of_work(database.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)
        conditions = await ids_of(session, "system_condition_type")
    areas = [f"{a}{n}" for a in ("AB", "CD", "EF", "GH") for n in range(1, 10)]
    async with database.engine.begin() as connection:
        places = await insert_many(
            connection,
            Place,
            [
                {
                    "postcode": f"{rng.choice(areas)} {n % 9}ZZ",
                    "ward_code": f"E0500{n % 40:04d}",
                    "single_line_address": f"{n} Bench Row",
                }
                for n in range(cases)
            ],
            returning=True,
        )
        await add_problems(connection, cases, places, tasks_per_activity=2)
        case_ids = list((await connection.execute(select(CaseRecord.id))).scalars())
        condition_ids = await insert_many(
            connection,
            SystemCondition,
            [
                {
                    "module": "core",
                    "type_id": rng.choice(conditions),
                    "raised_on": START + timedelta(days=rng.randrange(730)),
                }
                for _ in range(cases // 10)
            ],
            returning=True,
        )
        await insert_many(
            connection,
            SystemConditionEffect,
            [
                {
                    "condition_id": condition_ids[n % len(condition_ids)],
                    "case_id": rng.choice(case_ids),
                    "minutes_lost": rng.randrange(120),
                }
                for n in range(cases // 2)
            ],
        )


async def timed(work, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


async def run(url: str, demands: int, repeat: int) -> None:
    host = PluginHost.load(Settings(database_url=url))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        await seed(database, host, demands)
        print(f"backend {database.backend}, {demands} demands; median of {repeat} runs, ms")
        print(f"{'measure':28} {'all':>8} {'area AB1':>9} {'floor':>8} {'ratio':>6}")
        for _module, spec in host.measures:

            async def measure(f: MeasureFilter, name: str = spec.name) -> None:
                async with database.sessionmaker() as session:
                    await compute_measure(session, host, name, f)

            async def floor(name: str = spec.name) -> None:
                key = FLOORS.get(name, Demand.type_id)
                async with database.sessionmaker() as session:
                    await session.execute(select(key, func.count()).group_by(key))

            everything = await timed(lambda m=measure: m(MeasureFilter()), repeat)
            area = await timed(lambda m=measure: m(MeasureFilter(postcode_areas=("AB1",))), repeat)
            base = await timed(floor, repeat)
            print(
                f"{spec.name:28} {everything:8.0f} {area:9.0f} {base:8.1f} {everything / base:6.1f}"
            )
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=150_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.demands, args.repeat)


if __name__ == "__main__":
    asyncio.run(main())
