"""Group commit of the audit trail: concurrent requests share one INSERT, every answer
waits for its rows' commit, and a refused audit write fails the request."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select, text

from pdms_core.audit.models import AuditEvent
from pdms_core.graphql.node import global_id
from pdms_core.people.models import Person
from pdms_core.testing.actors import staff
from pdms_core.testing.pytest_plugin import test_executor

NODE = "query($p: ID!) { node(id: $p) { ... on Person { forenames surname } } }"
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { errors { code } } }"
NODES = "query($a: ID!, $b: ID!) { nodes(ids: [$a, $b]) { ... on Person { forenames } } }"
BURST = 40
MASKED = {
    "data": None,
    "errors": [{"message": "Unexpected error.", "extensions": {"code": "INTERNAL"}}],
}
LEAKS = ("refused", "audit_event", "INSERT", "SQL", "trigger", "Fictional", "Quinn")


async def _people(database, count: int) -> list[int]:
    async with database.sessionmaker() as session, session.begin():
        people = [
            Person(forenames=f"Quinn{n}", surname="Fictional", notes="") for n in range(count)
        ]
        session.add_all(people)
        await session.flush()
        return [person.id for person in people]


async def _read_rows(database) -> list[str]:
    async with database.sessionmaker() as session:
        rows = await session.scalars(
            select(AuditEvent.target_id).where(AuditEvent.action == "read")
        )
        return sorted(rows)


def _audit_inserts(counter) -> int:
    return sum("INSERT INTO audit_event" in s for s in counter.statements)


@asynccontextmanager
async def refused_audit(database, target_id: str | None = None) -> AsyncIterator[None]:
    """A database that refuses audit rows (those naming ``target_id``, else all): a
    real trigger, dropped afterwards."""
    when = f"NEW.target_id = '{target_id}'" if target_id else None
    if database.backend == "postgresql":
        create = [
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event FOR EACH ROW "
            + (f"WHEN ({when}) " if when else "")
            + "EXECUTE FUNCTION refuse_audit()",
        ]
        drop = ["DROP TRIGGER refuse_audit ON audit_event", "DROP FUNCTION refuse_audit()"]
    else:
        create = [
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event "
            + (f"WHEN {when} " if when else "")
            + "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
        drop = ["DROP TRIGGER refuse_audit"]
    await _run(database, create)
    try:
        yield
    finally:
        await _run(database, drop)


async def _run(database, statements: list[str]) -> None:
    async with database.engine.begin() as connection:
        if database.backend == "sqlite":
            # A pooled SQLite connection checks DDL names against its cached schema,
            # which may predate another connection's DROP; a read reloads it.
            await connection.execute(text("SELECT count(*) FROM sqlite_master"))
        for statement in statements:
            await connection.execute(text(statement))


async def test_a_burst_of_person_reads_shares_inserts_and_leaves_every_row(
    pdms_db, graphql, sql_statements
):
    # given forty people, read at once by forty requests
    ids = await _people(pdms_db, BURST)
    reader = graphql.as_actor(staff("core.people.read"))
    sql_statements.reset()
    # when
    results = await asyncio.gather(
        *(reader.execute(NODE, {"p": global_id("Person", pid)}) for pid in ids)
    )
    # then every answer came, and by then its read row was stored: one per request
    assert [r.ok()["node"]["forenames"] for r in results] == [f"Quinn{n}" for n in range(BURST)]
    assert await _read_rows(pdms_db) == sorted(str(pid) for pid in ids)
    # in fewer INSERTs than requests: rows arriving while a batch is written share the
    # next one. SQLite batches too: aiosqlite runs each connection's work on its own
    # thread, so requests go on reading while a batch is being committed.
    inserts = _audit_inserts(sql_statements)
    assert 1 <= inserts < BURST, inserts


async def test_a_refused_audit_write_fails_the_read_without_a_word_of_why(pdms_db, graphql):
    (quinn,) = await _people(pdms_db, 1)
    reader = graphql.as_actor(staff("core.people.read"))
    variables = {"p": global_id("Person", quinn)}
    async with refused_audit(pdms_db):
        response = await reader.post(json={"query": NODE, "variables": variables})
    # no person data, no SQL, no trigger message: only the masked error
    assert response.json() == MASKED
    for leak in LEAKS:
        assert leak not in response.text, leak
    assert await _read_rows(pdms_db) == []
    # and once the database takes rows again, the writer carries on
    after = await reader.execute(NODE, variables)
    assert after.ok()["node"]["forenames"] == "Quinn0"
    assert await _read_rows(pdms_db) == [str(quinn)]


async def test_a_refused_batch_fails_every_request_in_it(pdms_db, graphql):
    ids = await _people(pdms_db, BURST // 2)
    reader = graphql.as_actor(staff("core.people.read"))
    async with refused_audit(pdms_db):
        refused = await asyncio.gather(
            *(reader.execute(NODE, {"p": global_id("Person", pid)}) for pid in ids)
        )
    assert [r.body for r in refused] == [MASKED] * len(ids)
    assert await _read_rows(pdms_db) == []
    served = await asyncio.gather(
        *(reader.execute(NODE, {"p": global_id("Person", pid)}) for pid in ids)
    )
    assert all(r.ok()["node"] for r in served)
    assert await _read_rows(pdms_db) == sorted(str(pid) for pid in ids)


async def test_a_refused_row_fails_only_its_own_request_not_its_batch(
    pdms_db, graphql, sql_statements
):
    ids = await _people(pdms_db, BURST)
    victim = ids[BURST // 2]
    reader = graphql.as_actor(staff("core.people.read"))
    sql_statements.reset()
    async with refused_audit(pdms_db, target_id=str(victim)):
        answers = await asyncio.gather(
            *(reader.execute(NODE, {"p": global_id("Person", pid)}) for pid in ids)
        )
    failed = [pid for pid, answer in zip(ids, answers, strict=True) if answer.body == MASKED]
    assert failed == [victim]
    assert await _read_rows(pdms_db) == sorted(str(pid) for pid in ids if pid != victim)
    # the burst was batched: the refused batch was then written request by request
    assert _audit_inserts(sql_statements) < 2 * BURST


async def test_a_made_up_type_name_in_an_id_cannot_spoil_the_audit_row(pdms_db, graphql):
    long_name = base64.b64encode(("X" * 200 + ":1").encode()).decode()
    with_nul = base64.b64encode(b"X\x00Y:2").decode()
    anonymous = graphql.as_actor(None)
    for made_up in (long_name, with_nul):
        refused = await anonymous.execute(REVOKE, {"id": made_up})
        assert refused.body != MASKED
        assert refused.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with pdms_db.engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT target_type, target_id FROM audit_event "
                    "WHERE action = 'revokeApiKey' ORDER BY id"
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [(None, "1"), (None, "2")]


async def test_a_batch_is_stored_whole_or_not_at_all(pdms_db, graphql):
    # One refused row of two: on PostgreSQL the batch is one autocommit executemany,
    # which asyncpg runs as one implicit transaction; this pins that it stays atomic.
    first, second = await _people(pdms_db, 2)
    reader = graphql.as_actor(staff("core.people.read"))
    both = {"a": global_id("Person", first), "b": global_id("Person", second)}
    async with refused_audit(pdms_db, target_id=str(second)):
        refused = await reader.execute(NODES, both)
        alone = await reader.execute(NODE, {"p": both["a"]})
    assert refused.body == MASKED
    assert alone.ok()["node"]["forenames"] == "Quinn0"
    assert await _read_rows(pdms_db) == [str(first)]  # the lone read's, none of the pair's


async def _until_an_insert_waits_on_the_lock(database) -> None:
    """Return once some session waits for a lock on audit_event (the writer's batch)."""
    waiting = text(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'audit_event'::regclass"
    )
    for _ in range(1000):  # a bound, not a timing: the wait normally starts at once
        async with database.engine.connect() as connection:
            if await connection.scalar(waiting):
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the audit batch never reached the database")


async def test_shutdown_writes_the_rows_of_requests_whose_clients_left(
    pdms_backend, pdms_app, pdms_db, graphql
):
    if pdms_backend != "postgresql":
        # SQLite shows no waiting lock to another connection (no pg_locks), so the
        # test could not know the batch had started.
        pytest.skip("needs PostgreSQL's pg_locks to see the batch waiting")
    (quinn,) = await _people(pdms_db, 1)
    reader = graphql.as_actor(staff("core.people.read"))
    lifespan = pdms_app.router.lifespan_context(pdms_app)
    await lifespan.__aenter__()
    async with pdms_db.engine.connect() as holder:
        # given a batch held up by a lock, whose request's client has gone away
        await holder.execute(text("LOCK TABLE audit_event IN EXCLUSIVE MODE"))
        request = asyncio.create_task(reader.execute(NODE, {"p": global_id("Person", quinn)}))
        await _until_an_insert_waits_on_the_lock(pdms_db)
        request.cancel()
        # when the server shuts down, it waits for the batch
        stopping = asyncio.create_task(lifespan.__aexit__(None, None, None))
        await asyncio.sleep(0.05)
        assert not stopping.done()
        await holder.commit()
    await stopping
    # then the row is stored by the time shutdown is over
    assert await _read_rows(pdms_db) == [str(quinn)]
    assert request.cancelled()
    # and a later app on the same database gets a writer of its own
    after = await reader.execute(NODE, {"p": global_id("Person", quinn)})
    assert after.ok()["node"]["forenames"] == "Quinn0"
    assert await _read_rows(pdms_db) == [str(quinn), str(quinn)]


async def test_debug_mode_names_the_refusal(pdms_db, graphql_under):
    # A developer's server says why; production (above) says nothing.
    (quinn,) = await _people(pdms_db, 1)
    debug = graphql_under(test_executor(), debug=True).as_actor(staff("core.people.read"))
    async with refused_audit(pdms_db):
        result = await debug.execute(NODE, {"p": global_id("Person", quinn)})
    assert result.data is None
    assert "refused" in result.errors[0]["message"]
