"""Environmental tickets at county scale: the duplicate check and Open311 requests.json.

On a fresh migrated database (PostgreSQL when PDMS_BENCH_POSTGRES_URL or --database-url
names a server where a throwaway database may be created; else SQLite) with the lists
synced, a handful of tickets are logged through the service (so real cases and demands
exist), then --tickets fictional tickets (default 500,000) are bulk-inserted over a
county-sized area (COPY on PostgreSQL), 70% open, over two years, pointing at those cases
(the two timed reads never join cases). Then:

* the duplicate check (``nearby_open_tickets``: same type, open, within 250 m, at most 5)
  at 1,000 random points, each in its own session: p50 and p95, beside the floor, the
  bounding-box statement alone on the same session kind;
* GET /open311/v2/requests.json for a date range holding 1,000 requests, through the real
  ASGI app (httpx's ASGI transport, no network): p50 and p95 over 50 calls, beside the
  floor, the same SELECT alone.

    .venv/bin/python bench/env_tickets_duplicates.py [--tickets 500000] [--seed 0]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Targets (PostgreSQL, 500,000 tickets): duplicate check <= 30 ms p95; requests.json for
1,000 requests <= 200 ms p95.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pdms_env_tickets.geo import bounding_box
from pdms_env_tickets.lists import STATUS, TICKET_TYPE
from pdms_env_tickets.models import Ticket
from pdms_env_tickets.services.codes import values_by_code
from pdms_env_tickets.services.duplicates import nearby_open_tickets
from pdms_env_tickets.services.tickets import NewTicket, report_ticket
from sqlalchemy import func, select, text

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.plugin import SYSTEM, insert_rows, unit_of_work
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.lookups import sync_declared_lookups

SOUTH, NORTH, WEST, EAST = 52.0, 52.4, -1.8, -1.2  # about 45 km by 41 km
DUPLICATE_TARGET_MS = 30.0
REQUESTS_TARGET_MS = 200.0
CHUNK = 50_000


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


async def fill(database: Database, count: int, seed: int) -> None:
    rng = random.Random(seed)
    async with unit_of_work(database.sessionmaker) as session:
        kinds = list((await values_by_code(session, TICKET_TYPE)).values())
        statuses = list((await values_by_code(session, STATUS)).values())
        anchors = [
            await report_ticket(
                session,
                SYSTEM,
                NewTicket(type_code=kind.code, latitude=NORTH + 1, longitude=EAST + 1),
                known_modules={"core", "env_tickets"},
            )
            for kind in kinds
        ]
        links = [(t.case_id, t.demand_id) for t in anchors]
    opened = [s.id for s in statuses if not (s.data or {}).get("closed")]
    shut = [s.id for s in statuses if (s.data or {}).get("closed")]
    now = datetime.now(UTC)
    columns = (
        "reference", "type_id", "status_id", "is_open", "case_id", "demand_id", "latitude",
        "longitude", "location_description", "reporter_name", "reporter_email",
        "reporter_phone", "description", "reported_at", "updated_at", "registration",
        "vehicle_make", "vehicle_colour", "tax_status", "dangerous", "version",
    )  # fmt: skip
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(count, start + CHUNK)):
            is_open = rng.random() < 0.7
            case_id, demand_id = rng.choice(links)
            at = now - timedelta(seconds=rng.uniform(0, 730 * 86400))
            rows.append((
                f"BENCH-{n:07d}", rng.choice(kinds).id,
                rng.choice(opened if is_open else shut), is_open, case_id, demand_id,
                rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST), "", "", "", "",
                "Bench report", at, at, "", "", "", "", False, 1,
            ))  # fmt: skip
        async with unit_of_work(database.sessionmaker) as session:
            await insert_rows(session, Ticket.__table__, columns, rows)
    if database.engine.dialect.name == "postgresql":
        async with database.engine.connect() as connection:
            await connection.execute(text("ANALYZE env_tickets_ticket"))
            await connection.commit()


async def duplicate_check(database: Database, points: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    async with database.sessionmaker() as session:
        kinds = [k.code for k in (await values_by_code(session, TICKET_TYPE)).values()]
        type_ids = {k.code: k.id for k in (await values_by_code(session, TICKET_TYPE)).values()}
    checks, floors, found = [], [], 0
    for _ in range(points):
        kind = rng.choice(kinds)
        lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            nearby = await nearby_open_tickets(
                session, type_code=kind, latitude=lat, longitude=lon, radius_m=250, limit=5
            )
        checks.append(time.perf_counter() - started)
        found += len(nearby)
        box = bounding_box(lat, lon, 250)
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            await session.execute(
                select(Ticket.id, Ticket.latitude, Ticket.longitude).where(
                    Ticket.type_id == type_ids[kind],
                    Ticket.is_open.is_(True),
                    Ticket.latitude.between(box.south, box.north),
                    Ticket.longitude.between(box.west, box.east),
                )
            )
        floors.append(time.perf_counter() - started)
    (p50, p95), (f50, f95) = ms(checks), ms(floors)
    print(
        f"  duplicate check, {points} points ({found / points:.1f} found each): "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms (target <= {DUPLICATE_TARGET_MS:.0f} ms) | "
        f"floor, the box statement: p50 {f50:.2f} ms, p95 {f95:.2f} ms"
    )


async def requests_json(database: Database, host: PluginHost, calls: int) -> None:
    async with database.sessionmaker() as session:
        middle = await session.scalar(select(func.max(Ticket.reported_at))) - timedelta(days=200)
        edge = (
            await session.scalars(
                select(Ticket.reported_at)
                .where(Ticket.reported_at >= middle)
                .order_by(Ticket.reported_at)
                .offset(999)
                .limit(1)
            )
        ).one()
    start, end = middle.isoformat(), edge.isoformat()
    app = create_app(host=host, database=database)
    transport = httpx.ASGITransport(app=app)
    timings, floors = [], []
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        params = {"start_date": start, "end_date": end}
        for _ in range(calls):
            started = time.perf_counter()
            answer = await http.get("/open311/v2/requests.json", params=params)
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
            assert len(answer.json()) == 1000, len(answer.json())
            started = time.perf_counter()
            async with database.sessionmaker() as session:
                rows = await session.execute(
                    select(Ticket).where(Ticket.reported_at.between(middle, edge))
                )
                assert len(rows.all()) == 1000
            floors.append(time.perf_counter() - started)
    (p50, p95), (f50, f95) = ms(timings), ms(floors)
    print(
        f"  requests.json, 1,000 requests in the range, {calls} calls: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms (target <= {REQUESTS_TARGET_MS:.0f} ms) | floor, the SELECT of "
        f"those tickets: p50 {f50:.1f} ms, p95 {f95:.1f} ms"
    )


async def run(backend: str, server: str | None, args: argparse.Namespace, folder: Path) -> None:
    async with throwaway_database(backend, server, folder) as url:
        settings = Settings(database_url=url, data_dir=folder, plugins=("env_tickets",))
        host = PluginHost.load(settings)
        await asyncio.to_thread(migrations.upgrade, host)
        database = Database.connect(url)
        try:
            await sync_declared_lookups(database, host)
            started = time.perf_counter()
            await fill(database, args.tickets, args.seed)
            print(f"{backend}: {args.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
            await duplicate_check(database, args.points, args.seed)
            await requests_json(database, host, args.calls)
        finally:
            await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=500_000)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database-url", default=os.environ.get("PDMS_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    backend = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(backend, args.database_url, args, Path(folder)))


if __name__ == "__main__":
    main()
