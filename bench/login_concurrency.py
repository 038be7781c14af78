"""Signed-in latency while 30 sign-ins run at once, beside the same requests alone.

Argon2 costs tens of milliseconds of CPU per sign-in. Run on the event loop, 30
concurrent sign-ins stalled every other request for seconds; run in the hashing pool
(pdms_core/auth/passwords.py) they leave the loop free. This prints p50/p95 of a
signed-in ``{ viewer { email } }`` while 30 sign-in loops run, beside its floor: the
same requests with no sign-ins going on.

Runs the real ASGI app in process on a fresh SQLite file, or on PostgreSQL when
PDMS_BENCH_POSTGRES_URL names a server where a throwaway database may be created.

    .venv/bin/python bench/login_concurrency.py [--requests 200] [--logins 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter

import httpx
from scratch_db import bench_database

from pdms_core.app import create_app
from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.users import create_user
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.settings import Settings

PASSWORD = "bench-passphrase-2025-quiet-river"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"
VIEWER = "{ viewer { email } }"


async def sign_in(http: httpx.AsyncClient, email: str) -> dict:
    variables = {"i": {"email": email, "password": PASSWORD}}
    response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
    return response.json()["data"]["login"]


async def time_viewer(http: httpx.AsyncClient, token: str, count: int) -> list[float]:
    timings = []
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(count):
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": VIEWER}, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.json()["data"]["viewer"], response.text
    return timings


async def keep_signing_in(http: httpx.AsyncClient, email: str, stop: asyncio.Event) -> Counter:
    outcomes: Counter = Counter()
    variables = {"i": {"email": email, "password": PASSWORD}}
    while not stop.is_set():
        response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
        payload = (response.json().get("data") or {}).get("login")
        if payload is None:
            outcomes["server error"] += 1
        else:
            outcomes["signed in" if payload["token"] else payload["errors"][0]["code"]] += 1
    return outcomes


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] * 1000


def spread(timings: list[float]) -> str:
    return f"p50 {statistics.median(timings) * 1000:7.1f} ms  p95 {p95(timings):7.1f} ms"


async def run(url: str, requests: int, logins: int) -> None:
    host = PluginHost.load(Settings(database_url=url))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    emails = [f"bench.officer{n}@council.invalid" for n in range(logins + 1)]
    try:
        async with database.sessionmaker() as session, session.begin():
            for email in emails:
                await create_user(
                    session, SYSTEM, email=email, display_name="Bench", password=PASSWORD
                )
        transport = httpx.ASGITransport(app=create_app(host=host, database=database))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            token = (await sign_in(http, emails[0]))["token"]
            await time_viewer(http, token, 50)  # warm up caches and the pool
            floor = await time_viewer(http, token, requests)
            stop = asyncio.Event()
            loops = [
                asyncio.create_task(keep_signing_in(http, email, stop)) for email in emails[1:]
            ]
            await asyncio.sleep(0.5)  # let the sign-ins fill the pool and its queue
            started = time.perf_counter()
            loaded = await time_viewer(http, token, requests)
            elapsed = time.perf_counter() - started
            stop.set()
            outcomes = sum(await asyncio.gather(*loops), Counter())
    finally:
        await database.dispose()
    print(f"backend {database.backend}, {requests} signed-in requests, {logins} sign-in loops")
    print(f"floor, no sign-ins:      {spread(floor)}")
    print(f"during {logins} sign-ins:   {spread(loaded)}")
    print(f"ratio p95 to floor:      {p95(loaded) / p95(floor):7.1f} x")
    answered = sum(outcomes.values())
    print(f"sign-ins answered meanwhile: {answered} ({answered / elapsed:.1f}/s): {dict(outcomes)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--logins", type=int, default=30)
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.requests, args.logins)


if __name__ == "__main__":
    asyncio.run(main())
