"""The sign-in cache: warm requests read nothing, and changes end it on every worker.

Two workers are two apps, each with its own Database (connection pools) and its own
in-memory cache, over the same database and the same Redis, as two ``pdms serve``
processes would be. A change made through one must hold on the other's very next
request: nothing here waits for anything to expire, except where expiry is the point.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import event, select, update

from pdms_core.app import create_app
from pdms_core.auth.models import Role, StaffSession, StaffUser, UserRole
from pdms_core.auth.tokens import now
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.db.engine import Database
from pdms_core.graphql.node import global_id
from pdms_core.host import PluginHost
from pdms_core.testing.client import GraphQLClient
from pdms_core.testing.pytest_plugin import StatementCounter
from security.conftest import LOGIN, PASSWORD, bearer, got_nothing

#: A Redis database of its own: generation counters only ever grow, so sharing it
#: could only end cached answers early, never keep one too long.
REDIS = os.environ.get("PDMS_TEST_SESSION_CACHE_REDIS_URL", "redis://127.0.0.1:6379/11")
ROLES = "core.roles.manage"
#: Needs core.roles.manage and reads nothing from the database: a warm request makes
#: no statement at all, and a refused one shows the caller lost the permission.
PROBE = "{ permissions { code } }"
VIEWER = "{ viewer { id } }"
LOGOUT = "mutation { logout { ok errors { code } } }"
SESSIONS = "{ mySessions { id current } }"
REVOKE_SESSION = "mutation($id: ID!) { revokeMySession(id: $id) { ok errors { code } } }"
CHANGE_PASSWORD = """mutation($old: String!, $new: String!) {
  changePassword(currentPassword: $old, newPassword: $new) { ok errors { code } } }"""
UPDATE_USER = """mutation($i: UpdateStaffUserInput!) {
  updateStaffUser(input: $i) { errors { code field } } }"""
REVOKE_ROLE = """mutation($i: RoleGrantInput!) {
  revokeRole(input: $i) { errors { code field } } }"""
SET_PERMISSIONS = """mutation($i: SetRolePermissionsInput!) {
  setRolePermissions(input: $i) { errors { code field } } }"""
CREATE_KEY = """mutation($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { secret errors { code field } } }"""
REVOKE_KEY = "mutation($id: ID!) { revokeApiKey(id: $id) { errors { code } } }"


@dataclass
class Worker:
    """One server process's app, pools, cache, and a count of its SQL statements."""

    database: Database
    app: Any
    client: GraphQLClient
    statements: StatementCounter

    async def run(self, document: str, token: str, variables: Any = None) -> Any:
        """``document`` as the bearer of ``token``; the count restarts with it."""
        self.statements.reset()
        return await self.client.execute(document, variables, headers=bearer(token))


@pytest.fixture
async def workers(pdms_db, pdms_host, pdms_test_actors) -> AsyncIterator[Callable[..., Any]]:
    """``await workers(**settings)``: two workers sharing the database and Redis."""
    made: list[Worker] = []

    async def start(**changes: Any) -> list[Worker]:
        settings = pdms_host.settings.with_changes(
            **{"redis_url": REDIS, "session_cache_seconds": 3600, **changes}
        )
        host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
        pair = []
        for _ in range(2):
            database = Database.connect(settings.resolved_database_url)
            counter = StatementCounter()
            for engine in database.engines:
                event.listen(engine.sync_engine, "before_cursor_execute", counter)
            app = create_app(host=host, database=database)
            pair.append(Worker(database, app, GraphQLClient(app, pdms_test_actors), counter))
        made.extend(pair)
        return pair

    yield start
    for worker in made:
        view = next(r.endpoint for r in worker.app.routes if r.path == "/graphql")
        if view.signins is not None:
            await view.signins.close()
        await worker.database.dispose()


async def _sign_in(worker: Worker, email: str, password: str = PASSWORD) -> str:
    result = await worker.client.execute(LOGIN, {"input": {"email": email, "password": password}})
    return result.ok()["login"]["token"]


async def _warm(token: str, *workers: Worker, document: str = PROBE) -> None:
    """Make each worker cache ``token``: the first request learns whose it is, the
    second stores it; the third must then read nothing."""
    for worker in workers:
        for _ in range(2):
            (await worker.run(document, token)).ok()
        assert (await worker.run(document, token)).ok()
        assert worker.statements.count == 0, worker.statements.statements


def _refused(result: Any) -> bool:
    return got_nothing(result) and result.error_codes() in (
        ["UNAUTHENTICATED"],
        ["PERMISSION_DENIED"],
    )


async def test_warm_requests_make_no_sign_in_statement(staff_users, workers):
    # given a signed-in user and an API key, each with core.roles.manage
    one, _ = await workers()
    await staff_users.user("wren.warm@council.invalid", ROLES)
    token = await _sign_in(one, "wren.warm@council.invalid")
    key = (await staff_users.api_key(ROLES, read_only=False)).secret
    # the first request reads the sign-in as without a cache: the session and its
    # grants in one statement; the key, its team limits, and a note of its first use
    for credential, cold in ((token, 1), (key, 3)):
        assert (await one.run(PROBE, credential)).ok()
        assert one.statements.count == cold, one.statements.statements
        # once warm, none: the answer comes from memory, checked against Redis
        await _warm(credential, one)
        codes = (await one.run(PROBE, credential)).ok()["permissions"]
        assert ROLES in {p["code"] for p in codes} and one.statements.count == 0
    # a query that reads its own row costs just that row
    assert (await one.run(VIEWER, token)).ok()["viewer"]["id"]
    assert one.statements.count == 1


async def _admin(staff_users: Any, worker: Worker) -> str:
    await staff_users.user("ada.admin@council.invalid", *sorted(staff_users.declared))
    return await _sign_in(worker, "ada.admin@council.invalid")


async def _role_of(database: Database, user_id: int) -> Role:
    async with database.sessionmaker() as session:
        return await session.scalar(
            select(Role)
            .join(UserRole, UserRole.role_id == Role.id)
            .where(UserRole.user_id == user_id)
        )


async def _logout(ctx: Any) -> None:
    assert (await ctx.one.run(LOGOUT, ctx.token)).ok()["logout"]["ok"]


async def _revoke_from_another_session(ctx: Any) -> None:
    other = await _sign_in(ctx.one, ctx.email)
    listed = (await ctx.one.run(SESSIONS, other)).ok()["mySessions"]
    (target,) = [s["id"] for s in listed if not s["current"]]
    done = await ctx.one.run(REVOKE_SESSION, other, {"id": target})
    assert done.ok()["revokeMySession"]["ok"]


async def _change_password(ctx: Any) -> None:
    other = await _sign_in(ctx.one, ctx.email)
    new = {"old": PASSWORD, "new": "a-new-passphrase-for-wren-42"}
    assert (await ctx.one.run(CHANGE_PASSWORD, other, new)).ok()["changePassword"]["ok"]


async def _deactivate(ctx: Any) -> None:
    async with ctx.one.database.sessionmaker() as session:
        version = (await session.get(StaffUser, ctx.user_id)).version
    change = {"id": global_id("StaffUser", ctx.user_id), "expectedVersion": version}
    result = await ctx.one.run(UPDATE_USER, ctx.admin, {"i": {**change, "isActive": False}})
    assert result.ok()["updateStaffUser"]["errors"] == []


async def _revoke_role(ctx: Any) -> None:
    role = await _role_of(ctx.one.database, ctx.user_id)
    grant = {"userId": global_id("StaffUser", ctx.user_id), "roleCode": role.code}
    result = await ctx.one.run(REVOKE_ROLE, ctx.admin, {"i": grant})
    assert result.ok()["revokeRole"]["errors"] == []


async def _narrow_the_role(ctx: Any) -> None:
    role = await _role_of(ctx.one.database, ctx.user_id)
    change = {
        "id": global_id("Role", role.id),
        "expectedVersion": role.version,
        "permissions": ["core.staff.read"],
    }
    result = await ctx.one.run(SET_PERMISSIONS, ctx.admin, {"i": change})
    assert result.ok()["setRolePermissions"]["errors"] == []


@dataclass
class Change:
    one: Worker
    admin: str
    email: str
    user_id: int
    token: str


@pytest.mark.parametrize(
    "change",
    [
        _logout,
        _revoke_from_another_session,
        _change_password,
        _deactivate,
        _revoke_role,
        _narrow_the_role,
    ],
    ids=lambda change: change.__name__.strip("_"),
)
async def test_a_change_on_one_worker_holds_on_the_next_request_to_the_other(
    staff_users, workers, change
):
    # given a user signed in, and cached by both workers
    one, two = await workers()
    admin = await _admin(staff_users, one)
    email = "wren.warm@council.invalid"
    user_id = await staff_users.user(email, ROLES)
    token = await _sign_in(one, email)
    await _warm(token, one, two)
    # when the change is made through worker one
    await change(Change(one, admin, email, user_id, token))
    # then worker two's very next request (and worker one's) is refused
    for worker in (two, one):
        assert _refused(await worker.run(PROBE, token))
    # and the administrator, cached just as long, is untouched (except by a role
    # change, which rereads everyone: the role could be theirs)
    assert (await two.run(PROBE, admin)).ok()


async def test_api_keys_end_on_the_other_worker_when_revoked_or_their_creator_narrowed(
    staff_users, workers
):
    one, two = await workers()
    admin = await _admin(staff_users, one)
    # given a key made by the system, and one made by an officer holding the probe's code
    system_key = await staff_users.api_key(ROLES, read_only=False)
    maker_id = await staff_users.user("kit.keys@council.invalid", ROLES, "core.apikeys.manage")
    maker = await _sign_in(one, "kit.keys@council.invalid")
    made = await one.run(
        CREATE_KEY,
        maker,
        {"i": {"name": "Feed", "agencyCode": "police", "permissions": [ROLES], "readOnly": False}},
    )
    officer_key = made.ok()["createApiKey"]["secret"]
    for key in (system_key.secret, officer_key):
        await _warm(key, one, two)
    # when the system key is revoked through worker one
    revoked = await one.run(REVOKE_KEY, admin, {"id": global_id("ApiKey", system_key.key.id)})
    assert revoked.ok()["revokeApiKey"]["errors"] == []
    # then worker two refuses it at once, and still serves the other key from memory
    assert _refused(await two.run(PROBE, system_key.secret))
    assert (await two.run(PROBE, officer_key)).ok() and two.statements.count == 0
    # when the officer who made the other key loses the role behind it
    role = await _role_of(one.database, maker_id)
    grant = {"userId": global_id("StaffUser", maker_id), "roleCode": role.code}
    assert (await one.run(REVOKE_ROLE, admin, {"i": grant})).ok()["revokeRole"]["errors"] == []
    # then the key loses it too, on both workers, at once
    for worker in (two, one):
        assert _refused(await worker.run(PROBE, officer_key))


async def test_a_cli_command_in_another_process_ends_cached_sign_ins(
    staff_users, workers, pdms_host
):
    # given a user holding nothing, signed in and cached by both workers
    one, two = await workers()
    await staff_users.user("cal.cli@council.invalid")
    token = await _sign_in(one, "cal.cli@council.invalid")
    for worker in (one, two):
        assert _refused(await worker.run(PROBE, token))
    await _warm(token, one, two, document="{ __typename }")
    # when `pdms users create-admin` makes them an administrator (its own process:
    # its own event loop and connections, and no cache)
    settings = one.app.state.host.settings
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    args = ["users", "create-admin", "--email", "cal.cli@council.invalid", "--generate-password"]
    ran = await asyncio.to_thread(CliRunner().invoke, build_cli(CliState.for_host(host)), args)
    assert ran.exit_code == 0, ran.output
    # then both workers see the new grant on their next request
    for worker in (two, one):
        assert (await worker.run(PROBE, token)).ok()["permissions"]


async def test_idle_and_absolute_expiry_hold_with_the_cache_warm(staff_users, workers):
    # given sessions about to end: one idle for 56 of its 60 seconds, one 4 seconds
    # from its absolute end (written behind the cache's back: nothing is published)
    (one, _) = await workers(session_idle_minutes=1)
    await staff_users.user("ida.idle@council.invalid", ROLES)
    await staff_users.user("abe.absolute@council.invalid", ROLES)
    idle = await _sign_in(one, "ida.idle@council.invalid")
    absolute = await _sign_in(one, "abe.absolute@council.invalid")
    ends = now() + timedelta(seconds=4)
    table = StaffSession.__table__
    async with one.database.engine.begin() as connection:
        for token, values in (
            (idle, {"last_seen_at": ends - timedelta(minutes=1)}),
            (absolute, {"expires_at": ends}),
        ):
            await connection.execute(
                update(table).where(table.c.user_id == _user_of(token)).values(**values)
            )
    # and both warm in a cache that would keep them for an hour
    await _warm(idle, one)
    await _warm(absolute, one)
    # when their ends pass, each is refused on its next request (the database is asked)
    await asyncio.sleep((ends - now()).total_seconds() + 0.2)
    for token in (idle, absolute):
        result = await one.run(PROBE, token)
        assert _refused(result) and one.statements.count >= 1


def _user_of(token: str) -> Any:
    # the session's user, found by the stored hash of its token
    from pdms_core.auth.tokens import digest

    return (
        select(StaffSession.user_id)
        .where(StaffSession.token_hash == digest(token))
        .scalar_subquery()
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_with_redis_unreachable_every_request_reads_the_database(staff_users, workers):
    # given workers whose Redis has nothing listening
    one, two = await workers(redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    await staff_users.user("una.outage@council.invalid", ROLES)
    token = await _sign_in(one, "una.outage@council.invalid")
    # then nothing is served from memory: each request reads the sign-in
    for _ in range(3):
        assert (await two.run(PROBE, token)).ok()
        assert two.statements.count == 1
    # and signing out still works, and holds on the other worker
    assert (await one.run(LOGOUT, token)).ok()["logout"]["ok"]
    assert _refused(await two.run(PROBE, token))


async def test_without_redis_there_is_no_cache(staff_users, workers):
    # given a worker with the cache time set but no Redis to end cached answers
    (one, _) = await workers(redis_url=None, session_cache_seconds=30)
    await staff_users.user("nia.noredis@council.invalid", ROLES)
    token = await _sign_in(one, "nia.noredis@council.invalid")
    # then every request reads the sign-in: another process's change could not reach it
    for _ in range(3):
        assert (await one.run(PROBE, token)).ok()
        assert one.statements.count == 1


async def test_a_counter_that_vanished_never_repeats_a_value_a_cache_holds(staff_users, workers):
    # Counters expire a day after their last bump, or go with a Redis restart or an
    # eviction. Bumped from nothing by INCR, one came back as 1 every time, the value
    # an answer cached after the previous bump was stored under.
    from redis import asyncio as redis

    one, two = await workers()
    email = "vic.vanish@council.invalid"
    user_id = await staff_users.user(email, ROLES)
    store = redis.from_url(REDIS)
    counter = f"pdms:auth:u:{user_id}"
    try:
        token = await _sign_in(one, email)
        assert (await one.run(PROBE, token)).ok()
        await store.delete(counter)
        other = await _sign_in(two, email)
        assert (await two.run(LOGOUT, other)).ok()["logout"]["ok"]
        await _warm(token, one)  # cached under the counter as that sign-out left it
        await store.delete(counter)
        assert (await two.run(LOGOUT, token)).ok()["logout"]["ok"]
        assert _refused(await one.run(PROBE, token))
    finally:
        await store.aclose()


async def test_a_change_in_a_savepoint_waits_for_the_real_commit(staff_users, workers):
    from pdms_core.auth.tokens import digest

    one, two = await workers()
    email = "sam.savepoint@council.invalid"
    await staff_users.user(email, ROLES)
    token = await _sign_in(one, email)
    await _warm(token, two)
    async with one.database.sessionmaker() as session, session.begin():
        async with session.begin_nested():
            revoked = await session.scalar(
                select(StaffSession).where(StaffSession.token_hash == digest(token))
            )
            revoked.revoked_at = now()
        # the savepoint is released, the transaction not yet committed: the other
        # worker, reading now, must not store the old row under new counters
        assert (await two.run(PROBE, token)).ok()
    assert _refused(await two.run(PROBE, token))


async def test_a_core_statement_on_a_sign_in_table_ends_cached_answers(staff_users, workers):
    one, two = await workers()
    email = "cora.core@council.invalid"
    await staff_users.user(email, ROLES)
    token = await _sign_in(one, email)
    await _warm(token, two)
    async with one.database.sessionmaker() as session, session.begin():
        table = StaffSession.__table__
        await session.execute(update(table).values(revoked_at=now()))
    assert _refused(await two.run(PROBE, token))
