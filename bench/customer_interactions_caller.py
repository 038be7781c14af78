"""The call handler's one query for a person with 20 open records, beside its floor.

On a throwaway database (PostgreSQL when PDMS_BENCH_POSTGRES_URL names a server where
one may be created, else SQLite), builds the demo council (``pdms demo seed``, county
size by default, which takes minutes; ``--size small`` for a quick look), then adds 30
teams of 8 officers and 200 assignment rules, and gives one demo person 20 open records:
10 cases opened from contacts (routed by the rules) and 10 more contacts. It then times
``customerInteractionsCaller`` for that person and their home (open cases with demands,
team and officer; person and place moduleRecords; the last 5 contacts; the assignment
suggestion) through the real ASGI app in process, and prints p50/p95 beside the floor:
the same SQL statements the request sent, replayed directly on one connection.

    PDMS_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/customer_interactions_caller.py [--size county] [--requests 300]

Every installed module is enabled unless PDMS_PLUGINS says otherwise.
Target: <= 30 ms p95 on PostgreSQL at the county dataset (issue 22).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pdms_customer_interactions import flow, rules, services
from scratch_db import bench_database
from sqlalchemy import event, insert, select

from pdms_core.app import create_app
from pdms_core.auth.models import StaffUser, Team, TeamMembership
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.graphql.node import global_id
from pdms_core.host import PluginHost
from pdms_core.people.models import PersonAddress
from pdms_core.plugin import SYSTEM, unit_of_work
from pdms_core.settings import Settings
from pdms_core.testing.actors import HEADER, TestActors, staff

TARGET_MS = 30.0
PDMS = str(Path(sys.executable).parent / "pdms")
QUERY = """
query($person: ID, $place: ID) {
  customerInteractionsCaller(personId: $person, placeId: $place, demandTypeCode: "repairs",
                             channelCode: "phone", last: 5) {
    person { surname moduleRecords { module summary } }
    place { singleLineAddress moduleRecords { module summary } }
    openCases { reference summary team { name } officer { displayName }
                demands { type { code label } nature receivedOn } }
    lastContacts { startedAt callerWords channel { label } outcome { label } }
    suggestion { ruleCode teamName officerName explanation }
  }
}
"""
HANDLER = staff(
    "customer_interactions.interaction.read",
    "customer_interactions.interaction.record",
    "core.cases.read",
    "core.cases.write",
    "core.people.read",
    "core.places.read",
    name="Bench Handler",
)
TYPES = ["repairs", "rent", "council_tax", "benefits", "debt", "anti_social_behaviour"]


def demo_seed(url: str, size: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PDMS_DATABASE_URL"}
    env["PDMS_DATABASE_URL"] = url
    started = time.perf_counter()
    subprocess.run([PDMS, "demo", "seed", "--size", size], env=env, check=True)
    print(f"demo seed ({size}): {time.perf_counter() - started:.0f} s")


async def add_teams(database: Database) -> list[int]:
    async with database.sessionmaker() as session, session.begin():
        teams = []
        for t in range(30):
            team = (
                await session.execute(
                    insert(Team).values(
                        module="core",
                        code=f"bench_{t}",
                        name=f"Bench team {t}",
                        version=1,
                        is_active=True,
                    )
                )
            ).inserted_primary_key[0]
            teams.append(team)
            for n in range(8):
                email = f"bench{t}-{n}@council.invalid"
                user = (
                    await session.execute(
                        insert(StaffUser).values(
                            email=email, email_key=email, display_name=f"Officer {t}-{n}", version=1
                        )
                    )
                ).inserted_primary_key[0]
                await session.execute(insert(TeamMembership).values(team_id=team, user_id=user))
    return teams


def rule_specs(teams: list[int]) -> list[rules.RuleSpec]:
    specs = [
        rules.RuleSpec(
            code=f"rule_{n}",
            target_kind="team",
            team_id=teams[n % len(teams)],
            wards=(f"E0599{n:04d}",),
            demand_types=(TYPES[n % len(TYPES)],),
        )
        for n in range(198)
    ]
    specs.append(rules.RuleSpec(code="same_team", target_kind="current_team", fallback="catch_all"))
    specs.append(
        rules.RuleSpec(code="catch_all", target_kind="team", team_id=teams[0], choose="round_robin")
    )
    return specs


async def prepare(database: Database, known: set[str]) -> tuple[int, int]:
    """The person (and their home) with 20 open records."""
    teams = await add_teams(database)
    async with database.sessionmaker() as session:
        person, place = (
            await session.execute(
                select(PersonAddress.person_id, PersonAddress.place_id)
                .where(PersonAddress.to_date.is_(None))
                .order_by(PersonAddress.id)
                .limit(1)
            )
        ).one()
    async with unit_of_work(database.sessionmaker) as session:
        await rules.save_rules(session, SYSTEM, expected_version=0, specs=rule_specs(teams))
    now = datetime.now(UTC)
    for n in range(20):
        given = services.NewInteraction(
            channel_code="phone",
            demand_type_code=TYPES[n % len(TYPES)],
            nature="value",
            outcome_code="case_opened" if n < 10 else "resolved_first_contact",
            started_at=now - timedelta(hours=n + 1),
            person_id=person,
            place_id=place,
            caller_words=f"Bench contact {n}",
        )
        async with unit_of_work(database.sessionmaker) as session:
            await flow.record(
                session,
                HANDLER,
                given,
                known_modules=known,
                open_request=flow.CaseRequest() if n < 10 else None,
            )
    return person, place


class Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements.append((statement, parameters))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def run(url: str, size: str, requests: int) -> None:
    actors = TestActors()
    settings = Settings.from_env({**os.environ, "PDMS_DATABASE_URL": url})
    host = PluginHost.load(settings, extra_hooks=[actors])
    await asyncio.to_thread(migrations.upgrade, host)
    await asyncio.to_thread(demo_seed, url, size)
    database = Database.connect(url)
    try:
        person, place = await prepare(database, {p.name for p in host.plugins})
        body = {
            "query": QUERY,
            "variables": {
                "person": global_id("Person", person),
                "place": global_id("Place", place),
            },
        }
        transport = httpx.ASGITransport(app=create_app(host=host, database=database))
        headers = {HEADER: actors.token_for(HANDLER)}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers
        ) as http:
            for _ in range(30):  # warm up
                answer = (await http.post("/graphql", json=body)).json()
            view = answer["data"]["customerInteractionsCaller"]
            recorder = Recorder()
            for engine in database.engines:
                event.listen(engine.sync_engine, "before_cursor_execute", recorder)
            await http.post("/graphql", json=body)
            for engine in database.engines:
                event.remove(engine.sync_engine, "before_cursor_execute", recorder)
            served = []
            profiler = None
            if os.environ.get("BENCH_PROFILE"):
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            load_before = os.getloadavg()[0]
            cpu = time.process_time()
            for _ in range(requests):
                started = time.perf_counter()
                response = await http.post("/graphql", json=body)
                served.append((time.perf_counter() - started) * 1000)
                assert "errors" not in response.json(), response.text
            cpu_ms = (time.process_time() - cpu) / requests * 1000
            load_after = os.getloadavg()[0]
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(os.environ["BENCH_PROFILE"])
        floor = []
        reads = [
            (s, p)
            for s, p in recorder.statements
            if s.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        async with database.engines[0].connect() as connection:
            for _ in range(requests):
                started = time.perf_counter()
                for statement, parameters in reads:
                    await connection.exec_driver_sql(statement, parameters)
                floor.append((time.perf_counter() - started) * 1000)
    finally:
        await database.dispose()
    if os.environ.get("BENCH_SHOW_SQL"):
        for statement, _ in recorder.statements:
            print("  SQL:", " ".join(statement.split())[:150])
    print(f"backend {database.backend}, {size} demo council, {requests} requests")
    print(
        f"  load average (1 min) {load_before:.1f} before timing, {load_after:.1f} after, "
        f"on {os.cpu_count()} cores: other work on the machine inflates both figures"
    )
    print(
        f"  open cases {len(view['openCases'])}, person records "
        f"{len(view['person']['moduleRecords'])}, suggestion {view['suggestion']['ruleCode']}"
    )
    print(
        f"  statements per request: {len(recorder.statements)} "
        f"({len(reads)} reads replayed for the floor)"
    )
    print(
        f"customerInteractionsCaller: p50 {statistics.median(served):.1f} ms  "
        f"p95 {percentile(served, 0.95):.1f} ms   target p95 <= {TARGET_MS} ms"
    )
    print(
        f"floor (the same reads, direct): p50 {statistics.median(floor):.1f} ms  "
        f"p95 {percentile(floor, 0.95):.1f} ms"
    )
    print(f"process CPU per request (app, engine and driver): {cpu_ms:.1f} ms")
    print(f"ratio to floor (p95): {percentile(served, 0.95) / percentile(floor, 0.95):.1f} x")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["small", "county"], default="county")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    async with bench_database() as url:
        await run(url, args.size, args.requests)


if __name__ == "__main__":
    asyncio.run(main())
