"""The portal's person-place-case graph over HTTP: our server beside its floors and a peer.

Builds the ``county`` demo council (``pdms demo seed``: 300k places, 100k people, 50k
cases with 150k demands, 150k activities and 450k tasks) in a throwaway SQLite file,
or in PostgreSQL when PDMS_BENCH_POSTGRES_URL names a server where a throwaway
database may be created. Then starts the real server (``pdms serve``: uvicorn,
PDMS_DEBUG off), signs in as a staff user made with ``pdms users create-admin``, and
drives each query in bench/queries with wrk at concurrency 1, 2, 4 and 8. For each:
requests/s, p50/p95/p99, server CPU ms per request, SQL statements per request and
response bytes; then the floors (bench/portal_floors.py) and, on PostgreSQL, the
PostGraphile peer (bench/portal_peer.py), all in the same run.

    .venv/bin/python bench/portal.py [--size county] [--seconds 10] [--database-url URL]

``--database-url`` reuses a database already built with ``pdms demo seed``;
``--executor stock`` serves with strawberry's own executor (``PDMS_EXECUTOR``) to
compare with the fast one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import portal_floors as floors
import portal_peer as peer
from load import drive, free_port, wait_until_answers, wrk_missing
from sqlalchemy import func, select

from pdms_core.app import create_app
from pdms_core.cases.models import CaseParty, CaseRecord
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.demo.names import typo
from pdms_core.demo.seed import seed_demo
from pdms_core.graphql.node import global_id
from pdms_core.graphql.schema import build_schema
from pdms_core.host import PluginHost
from pdms_core.people.models import Person
from pdms_core.places.models import Place
from pdms_core.settings import Settings
from pdms_core.testing.database import throwaway_database

QUERIES = Path(__file__).with_name("queries")
BIN = Path(sys.executable).parent
EMAIL = "bench.officer@council.invalid"
#: The cost-based limiter is per caller and minute; a load test is one caller making
#: thousands of requests a minute, so the bench raises the budget explicitly.
COST_PER_MINUTE = 1_000_000_000


def server_env(url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "PDMS_DATABASE_URL": url,
        "PDMS_DATA_DIR": data_dir,
        "PDMS_DEBUG": "0",
        "PDMS_DEV_SUPERUSER": "0",
        "PDMS_COST_PER_MINUTE": str(COST_PER_MINUTE),
        "PDMS_SESSION_IDLE_MINUTES": "600",
    }


async def _healthy(http: httpx.AsyncClient, url: str) -> bool:
    return (await http.get(url)).status_code == 200


@asynccontextmanager
async def running_server(env: dict[str, str]):
    """``pdms serve`` in a subprocess; yields (base URL, process id)."""
    port = free_port()
    log = Path(env["PDMS_DATA_DIR"]) / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [BIN / "pdms", "serve", "--port", str(port), "--workers", env["BENCH_WORKERS"]],
            env=env,
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_until_answers(
            "the server", process, log, lambda http: _healthy(http, f"{base}/health")
        )
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors = [line for line in log.read_text().splitlines() if "Error" in line]
        if errors:
            print(f"the server logged {len(errors)} errors, the last: {errors[-1]}")


def create_staff_user(env: dict[str, str]) -> str:
    """A staff user made with the real CLI; returns the generated password."""
    output = subprocess.run(
        [BIN / "pdms", "users", "create-admin", "--email", EMAIL, "--generate-password"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line.split(": ", 1)[1] for line in output.splitlines() if line.startswith("Pass"))


async def sign_in(base: str, password: str) -> str:
    login = """mutation($i: LoginInput!) { login(input: $i) { token errors { message } } }"""
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post(
            "/graphql",
            json={"query": login, "variables": {"i": {"email": EMAIL, "password": password}}},
        )
    token = answer.json()["data"]["login"]["token"]
    if not token:
        raise RuntimeError(f"sign-in failed: {answer.text}")
    return token


async def variables_for(database: Database) -> dict[str, dict]:
    """Each query's variables, picked from the data (fixed seed, so the same each run)."""
    async with database.sessionmaker() as session:
        newest_case = await session.scalar(select(func.max(CaseRecord.id)))
        subject = await session.scalar(
            select(CaseParty.person_id).where(CaseParty.case_id == newest_case)
        )
        place = await session.scalar(select(func.min(Place.id)).where(Place.uprn.is_not(None)))
        person = await session.get(Person, subject)
    rng = random.Random(7)
    name = f"{person.forenames.split()[0]} {typo(person.surname, rng)}"
    return {
        "portal_list": {"first": 50},
        "person_page": {"id": global_id("Person", subject)},
        "node_by_id": {"id": global_id("Place", place)},
        "node_person": {"id": global_id("Person", subject)},
        "search": {"name": name},
    }


async def in_process(
    app, recorder: floors.StatementRecorder, token: str, body: dict
) -> tuple[dict, int, list]:
    """The response, its size in bytes and the statements it took, from the same app."""
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for _ in range(2):  # warm the caches (the sign-in cache keeps a token's 2nd answer)
            await http.post("/graphql", json=body, headers=headers)
        recorder.start()
        answer = await http.post("/graphql", json=body, headers=headers)
        statements = recorder.stop()
    payload = answer.json()
    if payload.get("errors") or answer.status_code != 200:
        raise RuntimeError(f"{body['query'][:60]}...: {answer.status_code} {answer.text[:500]}")
    return payload["data"], len(answer.content), statements


async def measure(url: str, size: str | None, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **server_env(url, data_dir),
            "BENCH_WORKERS": str(args.workers),
            "PDMS_EXECUTOR": args.executor,
            **({"PDMS_REDIS_URL": args.redis_url} if args.redis_url else {}),
        }
        settings = Settings.from_env(env)
        host = PluginHost.load(settings)
        database = Database.connect(settings.resolved_database_url, hide_parameters=True)
        try:
            if size:
                await asyncio.to_thread(migrations.upgrade, host)
                report = await seed_demo(database, host.lookup_sets, size)
                counts = report.problems
                print(
                    f"dataset {size}: {report.places} places, {report.people} people, "
                    f"{counts.cases} cases, {counts.demands} demands, {counts.activities} "
                    f"activities, {counts.tasks} tasks, built in {report.seconds:.0f} s"
                )
            password = await asyncio.to_thread(create_staff_user, env)
            variables = await variables_for(database)
            await run_queries(database, host, env, password, variables, args)
        finally:
            await database.dispose()


async def run_queries(database, host, env, password, variables, args) -> None:
    recorder = floors.StatementRecorder(database)
    app = create_app(host=host, database=database)
    sdl = str(build_schema(host))
    print(
        f"backend {database.backend}; executor {args.executor}; server: pdms serve (uvicorn, "
        f"{args.workers} process"
        f"{'es' if args.workers > 1 else ''}, CPU summed over them, "
        f"{'Redis (sign-in cache on)' if args.redis_url else 'no Redis (no sign-in cache)'}, "
        "PDMS_DEBUG "
        f"off), bearer session of a staff user; rate limit raised to {COST_PER_MINUTE:,} "
        f"cost/minute for the load; wrk -t1, {args.seconds} s per concurrency"
    )
    measured = []
    async with running_server(env) as (base, pid):
        token = await sign_in(base, password)
        _, _, signing_in = await in_process(app, recorder, token, {"query": "{ __typename }"})
        for name in args.queries:
            document = (QUERIES / f"{name}.graphql").read_text()
            body = {"query": document, "variables": variables[name]}
            data, size, statements = await in_process(app, recorder, token, body)
            typed = {**body, "query": floors.with_typenames(document)}
            data = (data, (await in_process(app, recorder, token, typed))[0])
            loads = [
                await asyncio.to_thread(
                    drive, f"{base}/graphql", body, token, pid, concurrency, args.seconds
                )
                for concurrency in args.concurrency
            ]
            measured.append((name, document, body, data, size, statements, loads))
    # The floors run once the server has stopped, so neither disturbs the other.
    print(f"every request signs in with {len(signing_in)} SQL statements (counted below)\n")
    for name, document, body, data, size, statements, loads in measured:
        print(
            f"== {name} {variables[name]}: {len(statements)} SQL statements/request, "
            f"{size:,} response bytes"
        )
        print(
            f"   {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
            f" {'CPU ms/req':>10} {'failed':>6}"
        )
        for result in loads:
            print(
                f"   {result.concurrency:>4} {result.per_second:8.1f} {result.p50_ms:8.1f} "
                f"{result.p95_ms:8.1f} {result.p99_ms:8.1f} {result.cpu_ms:10.2f} "
                f"{result.failures:>6}"
            )
        await print_floors(database, sdl, name, document, body, data, statements, loads)
    if database.backend == "postgresql" and not args.no_peer:
        results = {name: loads for name, *_, loads in measured}
        await peer.compare(url_for_peer(database), args, variables, results)
    elif not args.no_peer:
        print("peer: PostGraphile runs over PostgreSQL only; set PDMS_BENCH_POSTGRES_URL")


def url_for_peer(database: Database) -> str:
    return database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def print_floors(database, sdl, name, document, body, data, statements, loads) -> None:
    first = loads[0]
    replay = await floors.replay_ms(database, statements, repeat=20)
    print(
        f"   floor: the {len(statements)} statements replayed directly: {replay:7.2f} ms; "
        f"server p50 at concurrency {first.concurrency} is {first.p50_ms / replay:5.1f}x"
    )
    if (floors.QUERIES / f"{name}.sql").exists() and database.backend == "postgresql":
        hand, answer = await floors.hand_sql(database, name, body["variables"], repeat=20)
        same = floors.first_difference({"data": data[0]}, answer)
        print(
            f"   floor: one hand-written SQL statement (json_agg): {hand:7.2f} ms; server p50 "
            f"is {first.p50_ms / hand:5.1f}x; same JSON: {'yes' if same is None else same}"
        )
    try:
        cpu = floors.in_memory_cpu_ms(sdl, document, body["variables"], data[1], data[0], repeat=50)
    except (RuntimeError, AssertionError) as error:
        print(f"   floor: graphql-core over in-memory objects: not measured ({error})")
        return
    best = min(result.cpu_ms for result in loads)
    print(
        f"   floor: graphql-core over in-memory objects + JSON: {cpu:7.2f} CPU ms; server "
        f"CPU/request (best) is {best / cpu:5.1f}x (target <= 1.5)\n"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="county", choices=["small", "county"])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument(
        "--queries",
        nargs="+",
        default=["portal_list", "person_page", "node_by_id", "node_person", "search"],
    )
    parser.add_argument("--database-url", help="a database already seeded with pdms demo seed")
    parser.add_argument("--no-peer", action="store_true", help="skip PostGraphile")
    parser.add_argument(
        "--executor",
        default="fast",
        choices=["fast", "stock"],
        help="PDMS_EXECUTOR for the server and the in-process app",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (pdms serve --workers)"
    )
    parser.add_argument(
        "--redis-url", help="serve with this Redis (PDMS_REDIS_URL): the sign-in cache on"
    )
    args = parser.parse_args()
    missing = wrk_missing()
    if missing:
        sys.exit(f"bench/portal.py needs wrk: {missing}")
    if args.database_url:
        await measure(args.database_url, None, args)
        return
    pg_url = os.environ.get("PDMS_BENCH_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database(
            "postgresql" if pg_url else "sqlite", pg_url, Path(folder)
        ) as url:
            await measure(url, args.size, args)


if __name__ == "__main__":
    asyncio.run(main())
