"""Schemathesis against the real server, once per role.

Builds a throwaway SQLite council (migrations, lookups, the small demo seed, two
teams with cases, staff with roles, a partner key), starts ``pdms serve`` (uvicorn,
production settings: no debug, no introspection), signs the staff in over HTTP,
then sends schemathesis-generated documents for every root query and mutation of
``schema.graphql`` as each role and checks every answer:

- no 5xx and a JSON body;
- no unexpected error (``INTERNAL`` / "Unexpected error.");
- no data in a root field whose permission (from its SDL description) the role
  lacks, nor in any mutation for a read-only key.

Run by hand for a longer campaign::

    python tests/fuzz/schemathesis_roles.py --examples 25

``tests/fuzz/test_schemathesis_roles.py`` runs a bounded version in the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from graphql import build_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema.graphql"
PASSWORD = "fuzzing-horse-battery-2025"
#: Ending one's own session mid-run only makes the rest of the run anonymous.
SKIPPED = {"Mutation.logout", "Mutation.revokeMySession"}
_REQUIRES = re.compile(r"Requires the permission `([^`]+)`")
_SIGNED_IN = "Signed-in staff users only."


@dataclass
class Role:
    """A caller: how it authenticates and what it may do."""

    name: str
    permissions: frozenset[str]
    headers: dict[str, str] = field(default_factory=dict)
    staff: bool = False
    read_only: bool = False
    email: str | None = None
    #: Text that must never appear in this role's answers (records out of its reach).
    never_sees: tuple[str, ...] = ()


@dataclass
class Report:
    """Cases sent per role, and what failed (check, operation, detail)."""

    cases: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{role}: {count} cases" for role, count in self.cases.items()]
        distinct = sorted({f[:3] for f in self.failures})
        lines.append(f"failures: {len(self.failures)} ({len(distinct)} distinct)")
        lines += [f"  {role} {check} {operation}" for role, check, operation in distinct]
        return "\n".join(lines)


# -- the world ------------------------------------------------------------------------


def environment(data_dir: str, database_url: str | None = None) -> dict[str, str]:
    """Production-like settings on a throwaway database (SQLite in ``data_dir`` unless
    ``database_url`` names another); limits high enough that the fuzzer is not
    throttled (the limits have their own tests)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(
        PDMS_DATA_DIR=data_dir,
        PDMS_COST_PER_MINUTE=str(10**12),
        PDMS_DEBUG="0",
    )
    if database_url:
        env["PDMS_DATABASE_URL"] = database_url
    return env


OTHER_TEAM = " of South"  # in the summaries of South's cases
ANY_CASE = "Fuzz case"


async def _seed(env: dict[str, str]) -> tuple[list[Role], list[str]]:
    """The council, its callers, and global IDs of real records to aim at."""
    from sqlalchemy import select

    from pdms_core.auth.actor import SYSTEM
    from pdms_core.auth.apikeys import create_api_key
    from pdms_core.auth.models import Team
    from pdms_core.auth.users import (
        RoleFields,
        create_admin,
        create_role,
        create_user,
        grant_role,
    )
    from pdms_core.cases.models import CaseRecord
    from pdms_core.cases.services import open_case
    from pdms_core.db import migrations
    from pdms_core.db.engine import Database
    from pdms_core.demo.seed import seed_demo
    from pdms_core.graphql.node import global_id
    from pdms_core.host import PluginHost
    from pdms_core.lookups.sync import sync_lookups
    from pdms_core.settings import Settings

    host = PluginHost.load(Settings.from_env(env))
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(host.settings.resolved_database_url)
    declared = {p.code for p in host.permissions}
    reads = frozenset(code for code in declared if code.endswith(".read"))
    officer = frozenset(
        {
            "core.cases.read",
            "core.cases.write",
            "core.people.read",
            "core.people.write",
            "core.places.read",
            "core.measures.read",
        }
    )
    partner = frozenset({"core.people.read", "core.places.read"})
    try:
        async with database.sessionmaker() as session, session.begin():
            await sync_lookups(session, host.lookup_sets)
        await seed_demo(database, host.lookup_sets, "small")
        async with database.sessionmaker() as session, session.begin():
            teams = [Team(module="core", code=c, name=c.title()) for c in ("north", "south")]
            session.add_all(teams)
            await session.flush()
            for team in teams:
                for n in range(3):
                    await open_case(
                        session,
                        SYSTEM,
                        module="core",
                        known_modules={plugin.name for plugin in host.plugins},
                        summary=f"Fuzz case {n} of {team.name}",
                        team_id=team.id,
                    )
            await create_admin(
                session,
                email="admin@fuzz.invalid",
                display_name="Fuzz Admin",
                password=PASSWORD,
                permissions=declared,
            )
            for email, codes, team_id in (
                ("reader@fuzz.invalid", reads, None),
                ("officer@fuzz.invalid", officer, teams[0].id),
            ):
                user = await create_user(
                    session, SYSTEM, email=email, display_name=email, password=PASSWORD
                )
                code = email.split("@")[0]
                await create_role(session, RoleFields(code, code, "", sorted(codes)), declared)
                await grant_role(session, user_id=user.id, role_code=code, team_id=team_id)
            key = await create_api_key(
                session,
                SYSTEM,
                name="Fuzz partner",
                agency_code="police",
                permissions=sorted(partner),
                read_only=True,
                expires_at=None,
                rate_limit_per_minute=10_000,  # the most a key may have
                declared=declared,
            )
        async with database.sessionmaker() as session:
            targets = await _real_ids(session, global_id)
            south = await session.execute(
                select(CaseRecord.id, CaseRecord.reference).where(CaseRecord.team_id == teams[1].id)
            )
            # South's summaries, references and IDs: the officer (North) never sees them
            out_of_reach = [OTHER_TEAM]
            for case_id, reference in south:
                out_of_reach += [f'"{reference}"', f'"{global_id("Case", case_id)}"']
    finally:
        await database.dispose()
    return [
        Role("anonymous", frozenset(), never_sees=(ANY_CASE,)),
        Role("read-only staff", reads, staff=True, email="reader@fuzz.invalid"),
        Role(
            "team-scoped officer",
            officer,
            staff=True,
            email="officer@fuzz.invalid",
            never_sees=tuple(out_of_reach),
        ),
        Role("admin", frozenset(declared), staff=True, email="admin@fuzz.invalid"),
        Role(
            "partner key",
            partner,
            headers={"Authorization": f"Bearer {key.secret}"},
            read_only=True,
            never_sees=(ANY_CASE,),
        ),
    ], targets


async def _real_ids(session: Any, global_id: Any) -> list[str]:
    from sqlalchemy import select

    from pdms_core.auth.models import ApiKey, Role, StaffUser, Team
    from pdms_core.cases.models import CaseRecord
    from pdms_core.people.models import Person
    from pdms_core.places.models import Place

    found = []
    for model, type_name in (
        (CaseRecord, "Case"),
        (Person, "Person"),
        (Place, "Place"),
        (Team, "Team"),
        (StaffUser, "StaffUser"),
        (Role, "Role"),
        (ApiKey, "ApiKey"),
    ):
        ids = await session.scalars(select(model.id).order_by(model.id).limit(6))
        found += [global_id(type_name, row_id) for row_id in ids]
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(env: dict[str, str], report: Report) -> Iterator[str]:
    """``pdms serve`` in a subprocess; yields its GraphQL URL. Tracebacks or errors
    the server logs count as failures."""
    # The server logs a line per request: into a file, as a pipe nobody reads until
    # the end fills up and stops the server mid-campaign. Text lines, for the check below.
    with tempfile.TemporaryFile() as log:
        with _served(env, log) as url:
            yield url
        log.seek(0)
        for line in log.read().decode(errors="replace").splitlines():
            if "Traceback" in line or " ERROR " in line or line.startswith("ERROR"):
                report.failures.append(("server", "logged an error", "-", line))


@contextmanager
def _served(env: dict[str, str], log: Any) -> Iterator[str]:
    port = _free_port()
    pdms = Path(sys.executable).with_name("pdms")
    process = subprocess.Popen(
        [str(pdms), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**env, "PDMS_LOG_FORMAT": "text"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(url, json={"query": "{ modules { name } }"}, timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in(url: str, roles: list[Role]) -> None:
    login = """mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"""
    for role in roles:
        if role.email:
            answer = httpx.post(
                url,
                json={
                    "query": login,
                    "variables": {"i": {"email": role.email, "password": PASSWORD}},
                },
            ).json()
            token = answer["data"]["login"]["token"]
            assert token, answer
            role.headers = {"Authorization": f"Bearer {token}"}


# -- checks ---------------------------------------------------------------------------


def root_rules(schema_text: str) -> dict[str, str | None]:
    """``Query.x`` / ``Mutation.y`` -> the permission code it requires, ``signed-in``,
    or None (public, or checked per node type)."""
    schema = build_schema(schema_text)
    rules: dict[str, str | None] = {}
    for root in (schema.query_type, schema.mutation_type):
        for name, definition in root.fields.items():
            text = definition.description or ""
            found = _REQUIRES.search(text)
            rules[f"{root.name}.{name}"] = (
                found.group(1) if found else ("signed-in" if _SIGNED_IN in text else None)
            )
    return rules


def check(role: Role, label: str, rule: str | None, response: httpx.Response) -> list[str]:
    """What is wrong with one answer (empty when nothing)."""
    if response.status_code >= 500:
        return [f"server error {response.status_code}"]
    try:
        body = response.json()
    except ValueError:
        return [f"not JSON ({response.status_code})"]
    problems = []
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL" or "Unexpected error" in str(error.get("message")):
            problems.append(f"unexpected error at {error.get('path')}")
    root, name = label.split(".", 1)
    value = (body.get("data") or {}).get(name)
    lacks = (rule == "signed-in" and not role.staff) or (
        rule not in (None, "signed-in") and rule not in role.permissions
    )
    if value is not None and (lacks or (root == "Mutation" and role.read_only)):
        problems.append(f"data without permission {rule}")
    problems += [
        f"out-of-reach record ({text.strip()})" for text in role.never_sees if text in response.text
    ]
    return problems


# -- the campaign ---------------------------------------------------------------------


def fuzzed_operations() -> list[Any]:
    """Every root query and mutation of ``schema.graphql`` but the ``SKIPPED`` ones."""
    import schemathesis

    schema = schemathesis.graphql.from_path(str(SCHEMA))
    operations = [result.ok() for result in schema.get_all_operations()]
    return [op for op in operations if op.label not in SKIPPED]


def aim_ids_at(targets: list[str]) -> None:
    """Generated ``ID`` arguments: real records' global IDs, or junk."""
    import schemathesis
    from schemathesis.graphql import nodes

    junk = st.text(max_size=24)
    chosen = st.one_of(st.sampled_from(targets), junk)
    schemathesis.graphql.scalar("ID", chosen.map(nodes.String))
    # Files travel in multipart requests; in the JSON bodies sent here an upload is null,
    # which must be refused with a typed error, never a server error.
    schemathesis.graphql.scalar("Upload", st.just(nodes.Null))


def fuzz(url: str, roles: list[Role], examples: int, report: Report, fresh: bool = False) -> None:
    """Send up to ``examples`` generated documents per operation and role."""
    rules = root_rules(SCHEMA.read_text())
    strategies = {op.label: op.as_strategy() for op in fuzzed_operations()}
    with httpx.Client(timeout=30) as client:
        for role in roles:
            for label, strategy in strategies.items():
                send = _sender(client, url, role, label, rules, report)
                _examples(strategy, examples, fresh)(send)()


def _sender(
    client: httpx.Client,
    url: str,
    role: Role,
    label: str,
    rules: dict[str, str | None],
    report: Report,
) -> Any:
    """Sends one generated document as ``role`` and records what is wrong with the answer."""

    def send(case: Any) -> None:
        response = client.post(url, json={"query": case.body}, headers=role.headers)
        report.cases[role.name] += 1
        for problem in check(role, label, rules.get(label), response):
            report.failures.append((role.name, problem.split(" at ")[0], label, case.body))

    return send


def _examples(strategy: Any, examples: int, fresh: bool) -> Any:
    """Hypothesis around a sender: the same examples every run unless ``fresh``."""

    def wrap(send: Any) -> Any:
        return settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=not fresh,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=strategy)(send))

    return wrap


def run(examples: int, fresh: bool = False, database_url: str | None = None) -> Report:
    """Fuzz every role; on a throwaway SQLite database unless ``database_url`` is given
    (an empty database: PostgreSQL enforces column lengths and integer ranges that
    SQLite lets through, so it finds different server errors)."""
    report = Report()
    with tempfile.TemporaryDirectory() as data_dir:
        env = environment(data_dir, database_url)
        roles, targets = asyncio.run(_seed(env))
        aim_ids_at(targets)
        with running_server(env, report) as url:
            sign_in(url, roles)
            fuzz(url, roles, examples, report, fresh)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10, help="per operation and role")
    parser.add_argument(
        "--fresh", action="store_true", help="new random examples (default: the same each run)"
    )
    parser.add_argument("--database-url", help="an empty database (default: SQLite)")
    args = parser.parse_args()
    started = time.monotonic()
    report = run(args.examples, args.fresh, args.database_url)
    print(report.summary())
    print(f"in {time.monotonic() - started:.0f} s")
    for role, problem, label, body in report.failures[:20]:
        print(f"--- {role} {problem} {label}\n{body}")
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
