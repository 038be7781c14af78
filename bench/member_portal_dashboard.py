"""Member portal dashboards at county scale: 100,000 member enquiries.

On a fresh migrated database (PostgreSQL when PDMS_BENCH_POSTGRES_URL or --database-url
names a server where a throwaway database may be created; else SQLite) with the lists
synced, 60 members in five divisions and 5,000 residents are made, a handful of
enquiries are submitted through the service (so real cases and demands exist), then
--enquiries fictional enquiries (default 100,000) over two years are bulk-inserted
(COPY on PostgreSQL) in every status, pointing at those cases (the dashboards never join
cases). Then, through the real ASGI app (httpx's ASGI transport, no network), as
GraphQL requests:

* the co-ordinator dashboard (``memberPortalDashboard``: counts of new, in progress,
  completed, overdue and due today, and the first 25 rows with their service area,
  type, member and resident) with a filter drawn from none, service area, directorate,
  division, enquiry type, status, overdue and a resident's surname;
* a member's own dashboard (about 1,700 enquiries of theirs), no filter.

Each p50 and p95 over --calls requests is printed beside its target, and beside two
floors: the dashboard's own statements (counts, first page) run alone on one session,
and the smallest request through the same app (the ten service areas).

    .venv/bin/python bench/member_portal_dashboard.py [--enquiries 100000] [--calls 200]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Targets (PostgreSQL, 100,000 enquiries): co-ordinator dashboard <= 100 ms p95; a
member's dashboard <= 50 ms p95.
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
from pdms_member_portal.lists import ENQUIRY_TYPE, SERVICE_AREA, WARD
from pdms_member_portal.models import STATUSES, Enquiry, Member
from pdms_member_portal.services import dashboard
from pdms_member_portal.services.enquiries import NewEnquiry, submit_enquiry
from sqlalchemy import insert, select, text

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.plugin import (
    Actor,
    ActorKind,
    core_tables,
    insert_rows,
    lookup_values,
    today,
    unit_of_work,
)
from pdms_core.settings import Settings
from pdms_core.testing.actors import HEADER, TestActors
from pdms_core.testing.database import throwaway_database
from pdms_core.testing.lookups import sync_declared_lookups

COORDINATOR_TARGET_MS = 100.0
MEMBER_TARGET_MS = 50.0
CHUNK = 50_000
MEMBERS = 60
RESIDENTS = 5_000
SURNAMES = ["Ashdown", "Brackley", "Cawthorne", "Dunmore", "Elsworth", "Fairbrook", "Gadsby"]
COORDINATOR_PERMS = frozenset({"member_portal.enquiry.read", "member_portal.enquiry.read_all"})
MEMBER_PERMS = frozenset({"member_portal.enquiry.read", "member_portal.enquiry.submit"})
DASHBOARD = """
query($filters: MemberPortalFilterInput) {
  memberPortalDashboard(filters: $filters) {
    counts { new inProgress completed overdue dueToday }
    enquiries {
      id reference status subject contactMethod submittedAt dueOn residentName
      serviceArea { label directorate } enquiryType { label } raisedBy { name email }
    }
  }
}
"""


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def user(user_id: int, perms: frozenset[str]) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=f"user:{user_id}",
        display_name="Bench",
        permissions=perms,
        global_permissions=perms,
    )


async def people(database: Database) -> tuple[list[int], list[int], int]:
    """Members' user ids, their member ids and a co-ordinator's user id."""
    staff = core_tables.staff_user
    async with unit_of_work(database.sessionmaker) as session:
        wards = await lookup_values(session, WARD)
        user_ids, member_ids = [], []
        for n in range(MEMBERS + 1):
            email = f"bench{n}@council.example"
            result = await session.execute(
                insert(staff).values(
                    email=email, email_key=email, display_name=f"Bench {n}", version=1
                )
            )
            user_ids.append(result.inserted_primary_key[0])
        for n, user_id in enumerate(user_ids[1:]):
            member = Member(
                user_id=user_id,
                ward_id=wards[n % len(wards)].id,
                email=f"member{n}@members.example",
            )
            session.add(member)
            await session.flush()
            member_ids.append(member.id)
        await insert_rows(
            session,
            core_tables.person,
            ("forenames", "surname", "notes", "version"),
            [("Bench", SURNAMES[n % len(SURNAMES)] + str(n // 7), "", 1) for n in range(RESIDENTS)],
        )
    return user_ids[1:], member_ids, user_ids[0]


async def fill(database: Database, host: PluginHost, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    users, members, coordinator = await people(database)
    async with unit_of_work(database.sessionmaker) as session:
        areas = await lookup_values(session, SERVICE_AREA)
        kinds = await lookup_values(session, ENQUIRY_TYPE)
        ward_of = dict((await session.execute(select(Member.id, Member.ward_id))).all())
        residents = list(await session.scalars(select(core_tables.person.c.id)))
        anchors = [
            await submit_enquiry(
                session,
                user(users[n], MEMBER_PERMS),
                NewEnquiry(service_area=area.code, enquiry_type="complaint", subject="Anchor"),
                known_modules={"core", "member_portal"},
            )
            for n, area in enumerate(areas)
        ]
        cases = [(a.case_id, a.demand_id) for a in anchors]
    now = datetime.now(UTC)
    columns = (
        "reference", "member_id", "member_user_id", "ward_id", "service_area_id",
        "enquiry_type_id", "subject", "details", "person_id", "resident_consent",
        "contact_method", "status", "case_id", "demand_id", "attached", "submitted_at",
        "submitted_on", "acknowledge_by", "due_on", "update_requests", "updated_at", "version",
    )  # fmt: skip
    weights = [6, 6, 10, 14, 60, 4]  # new ... reopened: most are closed, as in life
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(count, start + CHUNK)):
            index = rng.randrange(len(members))
            at = now - timedelta(seconds=rng.uniform(0, 730 * 86400))
            on = at.date()
            case_id, demand_id = rng.choice(cases)
            rows.append((
                f"BENCH-{n:07d}", members[index], users[index], ward_of[members[index]],
                rng.choice(areas).id, rng.choice(kinds).id, "Bench enquiry", "",
                rng.choice(residents) if rng.random() < 0.8 else None, True, "email",
                rng.choices(STATUSES, weights)[0], case_id, demand_id, False, at, on,
                on + timedelta(days=1), on + timedelta(days=14), 0, at, 1,
            ))  # fmt: skip
        async with unit_of_work(database.sessionmaker) as session:
            await insert_rows(session, Enquiry.__table__, columns, rows)
    async with unit_of_work(database.sessionmaker) as session:
        # Each enquiry's member reaches it (the row rule's index), as submitting records.
        await session.execute(
            text(
                "INSERT INTO member_portal_reach (enquiry_id, user_id) "
                "SELECT id, member_user_id FROM member_portal_enquiry "
                "WHERE reference LIKE 'BENCH-%'"
            )
        )
    if database.engine.dialect.name == "postgresql":
        # As autovacuum leaves a settled table: statistics and the visibility map (so
        # index-only scans need no heap visits).
        async with database.engine.connect() as connection:
            done = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await done.execute(text("VACUUM ANALYZE"))
    return [coordinator, *users]


FILTERS = [
    None,
    {"serviceArea": "highways"},
    {"directorate": "People"},
    {"division": "north"},
    {"enquiryType": "complaint"},
    {"status": "new"},
    {"overdue": True},
    {"surname": "Ashdown3"},
    {"serviceArea": "housing", "status": "in_progress"},
]


async def timed(
    http: httpx.AsyncClient, token: str, calls: int, rng: random.Random, filtered: bool
) -> list[float]:
    timings = []
    for _ in range(calls):
        filters = rng.choice(FILTERS) if filtered else None
        started = time.perf_counter()
        answer = await http.post(
            "/graphql",
            json={"query": DASHBOARD, "variables": {"filters": filters}},
            headers={HEADER: token},
        )
        timings.append(time.perf_counter() - started)
        body = answer.json()
        assert answer.status_code == 200 and not body.get("errors"), body
    return timings


async def request_floor(http: httpx.AsyncClient, token: str, calls: int) -> list[float]:
    """A small request through the same app: the cost of any GraphQL request here."""
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        answer = await http.post(
            "/graphql",
            json={"query": "{ memberPortalServiceAreas { code } }"},
            headers={HEADER: token},
        )
        timings.append(time.perf_counter() - started)
        assert answer.status_code == 200 and not answer.json().get("errors"), answer.text
    return timings


async def floor(database: Database, actor: Actor, calls: int) -> list[float]:
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        async with database.sessionmaker() as session:
            statement = await dashboard.filtered(session, actor, dashboard.Filters(), today())
            await dashboard.counts(session, statement, today())
            list(await session.scalars(statement.order_by(Enquiry.id.desc()).limit(25)))
        timings.append(time.perf_counter() - started)
    return timings


async def explain(database: Database, actor: Actor) -> None:
    """The plans of the dashboard's statements (PostgreSQL), to see which index serves."""
    async with database.sessionmaker() as session:
        statement = await dashboard.filtered(session, actor, dashboard.Filters(), today())
        rows = statement.with_only_columns(Enquiry.status, Enquiry.due_on).subquery()
        for query in (
            select(rows.c.status, text("count(*)")).group_by(rows.c.status),
            statement.order_by(Enquiry.id.desc()).limit(25),
        ):
            compiled = query.compile(database.engine, compile_kwargs={"literal_binds": True})
            plan = await session.execute(text(f"EXPLAIN ANALYZE {compiled}"))
            print("\n".join(f"    {line}" for (line,) in plan))


async def run(backend: str, server: str | None, args: argparse.Namespace, folder: Path) -> None:
    async with throwaway_database(backend, server, folder) as url:
        settings = Settings(database_url=url, data_dir=folder, plugins=("member_portal",))
        actors = TestActors()
        host = PluginHost.load(settings, extra_hooks=[actors])
        await asyncio.to_thread(migrations.upgrade, host)
        database = Database.connect(url)
        try:
            await sync_declared_lookups(database, host)
            started = time.perf_counter()
            users = await fill(database, host, args.enquiries, args.seed)
            print(
                f"{backend}: {args.enquiries:,} enquiries in {time.perf_counter() - started:.1f} s"
                f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: figures "
                "measured on a busy machine run slow)"
            )
            coordinator = user(users[0], COORDINATOR_PERMS)
            member = user(users[1], MEMBER_PERMS)
            async with database.sessionmaker() as session:
                own = await session.scalar(
                    select(text("count(*)"))
                    .select_from(Enquiry)
                    .where(Enquiry.member_user_id == users[1])
                )
            app = create_app(host=host, database=database)
            transport = httpx.ASGITransport(app=app)
            rng = random.Random(args.seed + 1)
            async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
                await timed(http, actors.token_for(coordinator), 10, rng, True)  # warm up
                lead = await timed(http, actors.token_for(coordinator), args.calls, rng, True)
                mine = await timed(http, actors.token_for(member), args.calls, rng, False)
                small = await request_floor(http, actors.token_for(member), args.calls)
            if args.explain:
                await explain(database, member)
                await explain(database, coordinator)
            lead_floor = await floor(database, coordinator, args.calls)
            member_floor = await floor(database, member, args.calls)
            (p50, p95), (f50, f95) = ms(lead), ms(lead_floor)
            print(
                f"  co-ordinator dashboard, {len(FILTERS)} filter mixes, {args.calls} calls: "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target <= {COORDINATOR_TARGET_MS:.0f} "
                f"ms) | floor, counts and first page unfiltered: p50 {f50:.1f} ms, "
                f"p95 {f95:.1f} ms"
            )
            (p50, p95), (f50, f95) = ms(mine), ms(member_floor)
            print(
                f"  member dashboard ({own:,} enquiries of theirs), {args.calls} calls: "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target <= {MEMBER_TARGET_MS:.0f} ms) | "
                f"floor, counts and first page: p50 {f50:.1f} ms, p95 {f95:.1f} ms"
            )
            s50, s95 = ms(small)
            print(
                f"  any request: the 10 service areas, {args.calls} calls: p50 {s50:.1f} ms, "
                f"p95 {s95:.1f} ms"
            )
        finally:
            await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--explain", action="store_true", help="Print the statements' plans.")
    parser.add_argument("--database-url", default=os.environ.get("PDMS_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    backend = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(backend, args.database_url, args, Path(folder)))


if __name__ == "__main__":
    main()
