"""Sign-in answers take as long whether or not the name given finds an account.

Staff sign in by email or username; a name that finds nobody still runs the same
statements and a dummy Argon2 verification (pdms_core/auth/sessions.py), so timing
does not tell an attacker which addresses and usernames exist. This prints the median
time of a wrong-password sign-in for a known email, a known username, an unknown email
and an unknown username, taken in turn, and each median's gap to the known email's,
beside its floor: a gap within 10% of the known email's median.

Runs the real ASGI app in process on a fresh SQLite file, or on PostgreSQL when
PDMS_BENCH_POSTGRES_URL names a server where a throwaway database may be created.

    .venv/bin/python bench/login_names.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from scratch_db import bench_database
from sqlalchemy import delete

from pdms_core.app import create_app
from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.throttle import AttemptCounter
from pdms_core.auth.users import create_user
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.settings import Settings

PASSWORD = "bench-passphrase-2025-quiet-river"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"
CASES = {
    "known email": {"email": "bench.officer@council.invalid"},
    "known username": {"username": "bench.officer"},
    "unknown email": {"email": "nobody.here@council.invalid"},
    "unknown username": {"username": "nobody.here"},
}
#: The widest gap between medians that still hides which names exist.
FLOOR = 0.10


async def attempt(http: httpx.AsyncClient, database: Database, names: dict) -> float:
    variables = {"i": {**names, "password": "wrong-passphrase-0000"}}
    started = time.perf_counter()
    response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
    elapsed = time.perf_counter() - started
    assert response.json()["data"]["login"]["errors"][0]["code"] == "UNAUTHENTICATED"
    # Untimed: start every attempt unthrottled, as an attacker below the limits is.
    async with database.sessionmaker() as session, session.begin():
        await session.execute(delete(AttemptCounter))
    return elapsed


async def run(url: str, rounds: int) -> None:
    host = PluginHost.load(Settings(database_url=url))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(url)
    timings: dict[str, list[float]] = {case: [] for case in CASES}
    try:
        async with database.sessionmaker() as session, session.begin():
            await create_user(
                session,
                SYSTEM,
                email="bench.officer@council.invalid",
                display_name="Bench",
                password=PASSWORD,
                username="bench.officer",
            )
        transport = httpx.ASGITransport(app=create_app(host=host, database=database))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for names in CASES.values():  # warm up the pools and statement caches
                await attempt(http, database, names)
            for _ in range(rounds):
                for case, names in CASES.items():
                    timings[case].append(await attempt(http, database, names))
    finally:
        await database.dispose()
    base = statistics.median(timings["known email"])
    print(f"backend {database.backend}, {rounds} wrong-password sign-ins per case")
    for case, values in timings.items():
        median = statistics.median(values)
        gap = (median - base) / base
        print(f"{case:17} median {median * 1000:7.1f} ms  gap {gap:+6.1%}  (floor ±{FLOOR:.0%})")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
