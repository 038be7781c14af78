"""Reads across PostgreSQL replicas, against a real streaming replica on loopback.

A replica's answers are made visible by pausing its replay: a change on the primary
is then missing on the replica, so a stale answer proves the replica answered and a
fresh one that the primary did.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pg_replica import Server, replicated_servers, unavailable_reason
from security.conftest import LOGIN, PASSWORD, bearer
from sqlalchemy import text

from pdms_core.app import create_app
from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.users import create_user
from pdms_core.db import migrations
from pdms_core.db.engine import Database, create_engine
from pdms_core.db.replicas import check_replica_settings
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.errors import ConfigurationError
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.lookups.sync import sync_lookups
from pdms_core.settings import Settings
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient
from pdms_core.testing.pytest_plugin import test_executor

PERMISSIONS = ("core.people.read", "core.people.write")
CREATE = """mutation($i: PersonInput!) { createPerson(input: $i) {
  person { id version } errors { code } } }"""
RENAME = """mutation($p: PersonVersionInput!, $i: PersonInput!) {
  updatePerson(person: $p, input: $i) { person { version forenames } errors { code } } }"""
ADD_CONTACT = """mutation($i: AddContactDetailInput!) { addContactDetail(input: $i) {
  person { forenames contactDetails { value } } errors { code } } }"""
PERSON = "query($id: ID!) { person(id: $id) { forenames contactDetails { value } } }"
REDIS_URL = "redis://127.0.0.1:6379/0"
#: Read-your-writes seconds: the writer's reads right after its write fit in it, even on
#: a busy machine; the test waits it out.
WINDOW = 2
#: Long enough that a paused replica stays usable while a test runs.
TOLERANT_LAG = 3600


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Server, Server]]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no PostgreSQL streaming replica: {reason}")
    with replicated_servers() as pair:
        yield pair


@pytest.fixture(scope="module")
async def primed(servers, pdms_extra_entry_points, pdms_test_actors, tmp_path_factory):
    """The plugin host over the migrated primary, once the replica has caught up."""
    primary, replica = servers
    settings = Settings(
        database_url=primary.url,
        data_dir=tmp_path_factory.mktemp("replicas"),
        executor=test_executor(),
        database_replica_urls=(replica.url,),
    )
    host = PluginHost.load(
        settings,
        entry_points=installed_entry_points() + pdms_extra_entry_points,
        extra_hooks=[pdms_test_actors],
    )
    await asyncio.to_thread(migrations.upgrade, host)
    database = Database.connect(primary.url)
    async with unit_of_work(database.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)
    await database.dispose()
    await caught_up(servers)
    return host


class Cluster:
    """Apps ("server processes") over the pair, and control of the replica's replay."""

    def __init__(self, servers: tuple[Server, Server], host: PluginHost, actors: Any):
        self.primary, self.replica = servers
        self.host = host
        self.actors = actors
        self.databases: list[Database] = []

    async def app(self, **changes: Any) -> GraphQLClient:
        """A client of a new app with its own database pools and replica checks."""
        settings = self.host.settings.with_changes(**changes)
        database = Database.connect(
            self.primary.url,
            replica_urls=settings.database_replica_urls,
            replica_max_lag_seconds=settings.replica_max_lag_seconds,
        )
        self.databases.append(database)
        host = PluginHost(settings, self.host.plugins, self.host.installed, self.host.pm)
        client = GraphQLClient(create_app(host=host, database=database), self.actors)
        await database.replicas.check()  # as the app's startup does
        return client

    async def check_replicas(self) -> None:
        for database in self.databases:
            await database.replicas.check()

    async def replay(self, on: bool) -> None:
        call = "pg_wal_replay_resume()" if on else "pg_wal_replay_pause()"
        await sql(self.replica, f"SELECT {call}")


@pytest.fixture
async def cluster(servers, primed, pdms_test_actors) -> AsyncIterator[Cluster]:
    cluster = Cluster(servers, primed, pdms_test_actors)
    yield cluster
    await cluster.replay(on=True)
    for database in cluster.databases:
        await database.dispose()
    pdms_test_actors.reset()


async def sql(server: Server, statement: str) -> Any:
    engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(statement))).scalar()
    finally:
        await engine.dispose()


async def caught_up(servers: tuple[Server, Server]) -> None:
    """Wait until the replica has replayed everything the primary wrote so far."""
    primary, replica = servers
    position = await sql(primary, "SELECT pg_current_wal_lsn()::text")
    for _ in range(200):
        if await sql(replica, f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def officer(client: GraphQLClient, role: str) -> GraphQLClient:
    """A staff caller of its own, unknown to every earlier run (Redis notes)."""
    return client.as_actor(staff(*PERMISSIONS, name=f"{role} {uuid.uuid4().hex[:8]}"))


async def stale_person(cluster: Cluster, writer: GraphQLClient) -> dict[str, Any]:
    """A person "Ada" that the replica holds, renamed "Bea" on the primary only."""
    created = await writer.execute(CREATE, {"i": {"forenames": "Ada", "surname": "Fictional"}})
    person = created.ok()["createPerson"]["person"]
    await caught_up((cluster.primary, cluster.replica))
    await cluster.replay(on=False)
    renamed = await writer.execute(
        RENAME,
        {
            "p": {"id": person["id"], "expectedVersion": person["version"]},
            "i": {"forenames": "Bea", "surname": "Fictional"},
        },
    )
    payload = renamed.ok()["updatePerson"]
    assert payload["person"]["forenames"] == "Bea", payload
    return {"id": person["id"], "version": payload["person"]["version"]}


async def forenames(client: GraphQLClient, person_id: str) -> str:
    return (await client.execute(PERSON, {"id": person_id})).ok()["person"]["forenames"]


async def test_reads_go_to_the_replica_except_a_writers_own(cluster):
    # given two server processes sharing Redis, and a short read-your-writes window
    changes = {"redis_url": REDIS_URL, "read_your_writes_seconds": WINDOW}
    worker_a = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG, **changes)
    worker_b = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG, **changes)
    writer = officer(worker_a, "Writer")
    person = await stale_person(cluster, writer)
    # the writer reads its own write, on either process (noted in Redis) ...
    assert await forenames(writer, person["id"]) == "Bea"
    assert await forenames(worker_b.as_actor(writer.actor), person["id"]) == "Bea"
    # ... while someone who wrote nothing is answered by the replica: still "Ada"
    assert await forenames(officer(worker_a, "Reader"), person["id"]) == "Ada"
    assert await forenames(officer(worker_b, "Reader"), person["id"]) == "Ada"
    # once the window has passed, the replica answers the writer too
    await asyncio.sleep(WINDOW + 0.2)
    assert await forenames(writer, person["id"]) == "Ada"


async def test_without_redis_a_write_is_followed_by_its_own_process_only(cluster):
    worker_a = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG)
    worker_b = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG)
    writer = officer(worker_a, "Writer")
    person = await stale_person(cluster, writer)
    assert await forenames(writer, person["id"]) == "Bea"
    # the documented trade-off: another process knows nothing of the write
    assert await forenames(worker_b.as_actor(writer.actor), person["id"]) == "Ada"


async def test_a_replica_lagging_past_the_limit_is_skipped(cluster):
    tolerant = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG)
    strict = await cluster.app(replica_max_lag_seconds=0)
    person = await stale_person(cluster, officer(tolerant, "Writer"))
    await cluster.check_replicas()
    # the same stale replica: within one app's limit, past the other's
    assert await forenames(officer(tolerant, "Reader"), person["id"]) == "Ada"
    assert await forenames(officer(strict, "Reader"), person["id"]) == "Bea"


async def test_a_mutation_reads_and_writes_the_primary(cluster):
    worker = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG)
    person = await stale_person(cluster, officer(worker, "Writer"))
    # a caller with no writes of its own: its mutation's payload is read on the primary
    other = officer(worker, "Other")
    added = await other.execute(
        ADD_CONTACT,
        {
            "i": {
                "personId": person["id"],
                "expectedVersion": person["version"],
                "typeCode": "mobile",
                "value": "07700 900123",
            }
        },
    )
    payload = added.ok()["addContactDetail"]
    assert payload["errors"] == []
    assert payload["person"] == {"forenames": "Bea", "contactDetails": [{"value": "07700 900123"}]}
    # and its next read follows its write, to the primary
    assert (await other.execute(PERSON, {"id": person["id"]})).ok()["person"] == {
        "forenames": "Bea",
        "contactDetails": [{"value": "07700 900123"}],
    }


async def test_a_replica_stopped_mid_test_hands_its_reads_to_the_primary(cluster):
    worker = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG)
    reader = officer(worker, "Reader")
    person = await stale_person(cluster, officer(worker, "Writer"))
    assert await forenames(reader, person["id"]) == "Ada"  # the replica, pooled
    # when the replica stops, before any health check has noticed
    cluster.replica.stop("immediate")
    try:
        for _ in range(3):
            response = await reader.execute(PERSON, {"id": person["id"]})
            # then the primary answers, and no error or internal detail shows
            assert response.status_code == 200
            assert "errors" not in response.body, response.body
            assert response.data["person"]["forenames"] == "Bea"
        await cluster.check_replicas()
        assert await forenames(reader, person["id"]) == "Bea"
        assert await health(reader) == {
            "status": "degraded",
            "checks": {"database": "ok", "replicas": "unavailable"},
        }
    finally:
        cluster.replica.start()
    # and once it is back and checked, it answers again (paused, so stale)
    again = await stale_person(cluster, officer(worker, "Writer"))
    await cluster.check_replicas()
    assert await forenames(reader, again["id"]) == "Ada"
    assert await health(reader) == {"status": "ok"}


async def test_a_new_session_signs_in_while_the_replica_lags_behind(cluster):
    worker = await cluster.app(replica_max_lag_seconds=TOLERANT_LAG)
    email = f"replica.{uuid.uuid4().hex[:8]}@council.invalid"
    async with cluster.databases[-1].sessionmaker() as session, session.begin():
        await create_user(session, SYSTEM, email=email, display_name="Ada", password=PASSWORD)
    await caught_up((cluster.primary, cluster.replica))
    await cluster.replay(on=False)
    # when the user signs in, their new session exists on the primary only
    login = await worker.execute(LOGIN, {"input": {"email": email, "password": PASSWORD}})
    token = login.ok()["login"]["token"]
    # then their next request (a query, which reads a replica) still signs in
    viewer = await worker.execute("{ viewer { email } }", headers=bearer(token))
    assert viewer.ok()["viewer"] == {"email": email}


async def health(client: GraphQLClient) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
        return (await http.get("/health")).json()


def test_replicas_with_sqlite_stop_startup(tmp_path):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'pdms.sqlite3'}",
        data_dir=tmp_path,
        database_replica_urls=("postgresql://postgres@127.0.0.1:5/postgres",),
    )
    with pytest.raises(ConfigurationError, match="PDMS_DATABASE_REPLICA_URLS needs PostgreSQL"):
        create_app(settings)
    # the same answer before any database is opened (pdms serve, before its workers)
    with pytest.raises(ConfigurationError, match="PDMS_DATABASE_REPLICA_URLS needs PostgreSQL"):
        check_replica_settings(settings)
    check_replica_settings(settings.with_changes(database_replica_urls=()))
