"""Open311 POST requests.json throughput: reports over loopback to one server process.

On a fresh migrated database (PostgreSQL when PDMS_BENCH_POSTGRES_URL or --database-url
names a server where a throwaway database may be created; else SQLite) with the lists
synced and a partner key holding ``env_tickets.ticket.submit``, starts ``pdms serve
--workers 1`` (core and env_tickets only) on a free loopback port and POSTs --posts
form-encoded fly-tipping reports (the fields and attributes a UK reporting site sends,
each with its own fixmystreet_id) from --concurrency clients at once. Each report becomes
a ticket, a case and a demand. Prints requests per second and the server process's CPU
time per request (what one process could serve with a core to itself: on a shared,
loaded machine the rate falls but the CPU per request holds) beside the floor: the same
reports logged in process through the service, one unit of work each, no HTTP.

    .venv/bin/python bench/env_tickets_open311_post.py [--posts 2000] [--concurrency 8]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Target: >= 100 requests/s on one process over loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from pdms_env_tickets.services.tickets import FlyTipping, NewTicket, report_ticket

from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.plugin import SYSTEM, unit_of_work
from pdms_core.settings import Settings
from pdms_core.testing.apikeys import partner_key
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.lookups import sync_declared_lookups

PDMS = str(Path(sys.executable).parent / "pdms")
TARGET = 100.0
MAX_KEY_RATE = 10_000
SIZES = ("single_item", "car_boot", "small_van", "transit_van")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def form(key: str, n: int, rng: random.Random) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "fly_tipping",
        "lat": f"{rng.uniform(52.0, 52.4):.6f}",
        "long": f"{rng.uniform(-1.8, -1.2):.6f}",
        "description": "Bags and a mattress dumped by the gate",
        "email": "bench@example.invalid",
        "first_name": "Bench",
        "last_name": "Reporter",
        "attribute[size]": rng.choice(SIZES),
        "attribute[land_type]": "highway",
        "attribute[waste_type]": "",
        "attribute[fixmystreet_id]": str(n),
        "attribute[report_url]": f"https://reports.example.invalid/report/{n}",
        "attribute[title]": "Fly-tipping",
    }


@contextlib.contextmanager
def serving(url: str, folder: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=url, PDMS_PLUGINS="env_tickets", PDMS_DATA_DIR=str(folder))
    # The server logs a line per request: to a file, as a pipe nobody reads fills up and
    # then blocks the server.
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [PDMS, "serve", "--workers", "1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            if process.poll() is not None:
                raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


async def post_all(base: str, pid: int, key: str, posts: int, concurrency: int) -> tuple:
    """Requests per second, and the server's CPU milliseconds per request."""
    rng = random.Random(1)
    forms = [form(key, n, rng) for n in range(posts)]
    queue: asyncio.Queue = asyncio.Queue()
    for item in forms:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        for warm in forms[:20]:  # warm the server's caches and pools, not counted
            assert (await http.post("/open311/v2/requests.json", data=warm)).status_code == 200
        for _ in range(20):
            queue.get_nowait()

        async def worker() -> None:
            while not queue.empty():
                data = queue.get_nowait()
                answer = await http.post("/open311/v2/requests.json", data=data)
                assert answer.status_code == 200, answer.text

        started, cpu = time.perf_counter(), cpu_seconds(pid)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
        return (posts - 20) / elapsed, cpu * 1000 / (posts - 20)


async def floor(database: Database, count: int) -> float:
    rng = random.Random(2)
    started = time.perf_counter()
    for _ in range(count):
        async with unit_of_work(database.sessionmaker) as session:
            await report_ticket(
                session,
                SYSTEM,
                NewTicket(
                    type_code="fly_tipping",
                    latitude=rng.uniform(52.0, 52.4),
                    longitude=rng.uniform(-1.8, -1.2),
                    description="Bags and a mattress dumped by the gate",
                    reporter_email="bench@example.invalid",
                    fly_tipping=FlyTipping(rng.choice(SIZES), "highway", None),
                    with_token=True,
                ),
                known_modules={"core", "env_tickets"},
            )
    return count / (time.perf_counter() - started)


async def run(backend: str, server: str | None, args: argparse.Namespace, folder: Path) -> None:
    async with throwaway_database(backend, server, folder) as url:
        host = PluginHost.load(
            Settings(database_url=url, data_dir=folder, plugins=("env_tickets",))
        )
        await asyncio.to_thread(migrations.upgrade, host)
        database = Database.connect(url)
        try:
            await sync_declared_lookups(database, host)
            # The most a key may send a minute: the rate limit holds on Open311 POSTs too.
            key = await partner_key(
                database, host, "env_tickets.ticket.submit", per_minute=MAX_KEY_RATE
            )
            with serving(url, folder) as (base, pid):
                rate, cpu_ms = await post_all(base, pid, key, args.posts, args.concurrency)
            floor_rate = await floor(database, min(args.posts, 500))
        finally:
            await database.dispose()
    print(
        f"{backend}: Open311 POST requests.json, {args.posts - 20} reports, "
        f"{args.concurrency} clients, one server process: {rate:.0f} requests/s "
        f"(target >= {TARGET:.0f}); the server's CPU per request {cpu_ms:.1f} ms, so at most "
        f"{1000 / cpu_ms:.0f}/s on a core of its own | floor, the same reports through the "
        f"service in process, one at a time: {floor_rate:.0f}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get("PDMS_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    backend = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(backend, args.database_url, args, Path(folder)))


if __name__ == "__main__":
    main()
