"""Fixed per-request cost: ``node(id:)`` for a Place, beside its database floor.

Runs the real ASGI app in process (no socket, so the figure is server work only) on a
fresh SQLite file, or on PostgreSQL when PDMS_BENCH_POSTGRES_URL names a server where a
throwaway database may be created. Prints microseconds per request and the ratio to
the floor: the same primary-key SELECT issued directly through the same engine.

    .venv/bin/python bench/node_request.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from scratch_db import bench_database
from sqlalchemy import select

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.graphql.node import global_id
from pdms_core.host import PluginHost
from pdms_core.places.models import Place
from pdms_core.settings import Settings
from pdms_core.testing.actors import HEADER, TestActors, staff

QUERY = "query($id: ID!) { node(id: $id) { ... on Place { id uprn singleLineAddress } } }"
PLACES = 1000


async def seed(database: Database) -> list[int]:
    async with database.sessionmaker() as session, session.begin():
        places = [
            Place(uprn=10_000_000 + n, single_line_address=f"{n} Benchmark Row, Testtown")
            for n in range(PLACES)
        ]
        session.add_all(places)
        await session.flush()
        return [place.id for place in places]


async def time_requests(http: httpx.AsyncClient, ids: list[int], count: int) -> list[float]:
    timings = []
    for n in range(count):
        body = {"query": QUERY, "variables": {"id": global_id("Place", ids[n % len(ids)])}}
        started = time.perf_counter()
        response = await http.post("/graphql", json=body)
        timings.append(time.perf_counter() - started)
        assert response.json()["data"]["node"], response.text
    return timings


async def time_floor(database: Database, ids: list[int], count: int) -> list[float]:
    timings = []
    for n in range(count):
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            row = (
                await session.execute(
                    select(Place.id, Place.uprn, Place.single_line_address).where(
                        Place.id == ids[n % len(ids)]
                    )
                )
            ).one()
        timings.append(time.perf_counter() - started)
        assert row
    return timings


async def run(url: str, requests: int) -> None:
    actors = TestActors()
    host = PluginHost.load(Settings(database_url=url), extra_hooks=[actors])
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        ids = await seed(database)
        transport = httpx.ASGITransport(app=create_app(host=host, database=database))
        headers = {HEADER: actors.token_for(staff("core.places.read"))}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers
        ) as http:
            await time_requests(http, ids, 100)  # warm up caches and the pool
            await time_floor(database, ids, 100)
            served = await time_requests(http, ids, requests)
            floor = await time_floor(database, ids, requests)
    finally:
        await database.dispose()
    median_served = statistics.median(served) * 1e6
    median_floor = statistics.median(floor) * 1e6
    print(f"backend {database.backend}, {requests} requests, {PLACES} places")
    print(f"node(id) request, in-process ASGI: {median_served:8.0f} us median")
    print(f"floor, the same SELECT direct:     {median_floor:8.0f} us median")
    print(f"ratio to floor:                    {median_served / median_floor:8.1f} x")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.requests)


if __name__ == "__main__":
    asyncio.run(main())
