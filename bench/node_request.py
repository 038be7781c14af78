"""Fixed per-request cost: ``node(id:)`` for a Place (or a Person), beside its floor.

Runs the real ASGI app in process (no socket, so the figure is server work only) on a
fresh SQLite file, or on PostgreSQL when PDMS_BENCH_POSTGRES_URL names a server where a
throwaway database may be created. Prints microseconds per request (wall median, and
the process's CPU per request) and the ratio to the floor: the same primary-key SELECT
issued directly through the same engine. ``--person`` reads a Person instead, which
is personal data: every request also writes an audit row (pdms_core/audit/writer.py).
``--concurrency N`` keeps N requests in flight (throughput, and the audit INSERTs per
request, which group commit shares between concurrent requests).

    .venv/bin/python bench/node_request.py [--requests 2000] [--person] [--concurrency 1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx
from scratch_db import bench_database
from sqlalchemy import event, select

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.graphql.node import global_id
from pdms_core.host import PluginHost
from pdms_core.people.models import Person
from pdms_core.places.models import Place
from pdms_core.settings import Settings
from pdms_core.testing.actors import HEADER, TestActors, staff

PLACE_QUERY = "query($id: ID!) { node(id: $id) { ... on Place { id uprn singleLineAddress } } }"
PERSON_QUERY = "query($id: ID!) { node(id: $id) { ... on Person { id forenames surname } } }"
RECORDS = 1000


@dataclass(frozen=True)
class Subject:
    """What the benchmark reads: a type, its query, its floor's columns."""

    model: type
    query: str
    columns: tuple[Any, ...]
    permission: str

    def make(self, n: int) -> Any:
        if self.model is Person:
            return Person(forenames=f"Bench{n}", surname="Fictional", notes="")
        return Place(uprn=10_000_000 + n, single_line_address=f"{n} Benchmark Row, Testtown")


PLACE = Subject(
    Place, PLACE_QUERY, (Place.id, Place.uprn, Place.single_line_address), "core.places.read"
)
PERSON = Subject(
    Person, PERSON_QUERY, (Person.id, Person.forenames, Person.surname), "core.people.read"
)


async def seed(database: Database, subject: Subject) -> list[int]:
    async with database.sessionmaker() as session, session.begin():
        records = [subject.make(n) for n in range(RECORDS)]
        session.add_all(records)
        await session.flush()
        return [record.id for record in records]


async def time_requests(
    http: httpx.AsyncClient, subject: Subject, ids: list[int], count: int, concurrency: int = 1
) -> tuple[list[float], float, float]:
    """Wall time of each request, and the CPU and wall seconds for all of them, with
    ``concurrency`` requests in flight."""
    timings: list[float] = []
    type_name = subject.model.__name__

    async def worker(first: int) -> None:
        for n in range(first, count, concurrency):
            body = {
                "query": subject.query,
                "variables": {"id": global_id(type_name, ids[n % len(ids)])},
            }
            started = time.perf_counter()
            response = await http.post("/graphql", json=body)
            timings.append(time.perf_counter() - started)
            assert response.json()["data"]["node"], response.text

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(first) for first in range(concurrency)))
    return timings, time.process_time() - cpu, time.perf_counter() - wall


class Statements:
    """Counts the statements sent through the database's engines, and audit INSERTs."""

    def __init__(self, database: Database) -> None:
        self.all = self.audit = 0
        for engine in database.engines:
            event.listen(engine.sync_engine, "before_cursor_execute", self)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.all += 1
        self.audit += statement.startswith("INSERT INTO audit_event")


async def time_floor(
    database: Database, subject: Subject, ids: list[int], count: int
) -> tuple[list[float], float]:
    timings = []
    key = subject.columns[0]
    cpu = time.process_time()
    for n in range(count):
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            row = (
                await session.execute(select(*subject.columns).where(key == ids[n % len(ids)]))
            ).one()
        timings.append(time.perf_counter() - started)
        assert row
    return timings, time.process_time() - cpu


async def run(url: str, requests: int, subject: Subject, concurrency: int) -> None:
    actors = TestActors()
    host = PluginHost.load(Settings(database_url=url), extra_hooks=[actors])
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    try:
        ids = await seed(database, subject)
        transport = httpx.ASGITransport(app=create_app(host=host, database=database))
        headers = {HEADER: actors.token_for(staff(subject.permission))}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers
        ) as http:
            await time_requests(http, subject, ids, 100)  # warm up caches and the pool
            await time_floor(database, subject, ids, 100)
            statements = Statements(database)
            served, served_cpu, served_wall = await time_requests(
                http, subject, ids, requests, concurrency
            )
            counted = statements.all, statements.audit
            floor, floor_cpu = await time_floor(database, subject, ids, requests)
    finally:
        await database.dispose()
    median_served = statistics.median(served) * 1e6
    median_floor = statistics.median(floor) * 1e6
    name = subject.model.__name__
    print(f"backend {database.backend}, {requests} requests, {RECORDS} {name} records")
    print(f"node(id) request, concurrency {concurrency}:  {median_served:8.0f} us median wall")
    print(f"  CPU per request:                 {served_cpu / requests * 1e6:8.0f} us")
    print(f"  throughput:                      {requests / served_wall:8.0f} requests/s")
    print(f"  statements per request:          {counted[0] / requests:8.2f}")
    print(f"  audit INSERTs per request:       {counted[1] / requests:8.2f}")
    print(f"floor, the same SELECT direct:     {median_floor:8.0f} us median wall")
    print(f"  CPU per SELECT:                  {floor_cpu / requests * 1e6:8.0f} us")
    print(f"ratio to floor (wall):             {median_served / median_floor:8.1f} x")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--person", action="store_true", help="read a Person (audited)")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight")
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.requests, PERSON if args.person else PLACE, args.concurrency)


if __name__ == "__main__":
    asyncio.run(main())
