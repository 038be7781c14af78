"""Noting a session's or a key's use never fails a request because someone else writes.

Both are refreshed at most once a minute. On SQLite a transaction that reads and then
writes cannot wait for another writer: when that writer commits first, its write
fails with "database is locked". So the refresh runs in a transaction of its own that
starts with the write, which SQLite makes wait its turn. Here another connection
holds the write lock (and changes a row) while the request signs in.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, update

from pdms_core.auth.models import ApiKey, StaffSession
from security.conftest import bearer

WHO = "{ viewer { email } }"
PEOPLE = '{ people(search: {name: "Anyone"}, first: 1) { nodes { id } } }'


@contextmanager
def another_writer(database):
    """A second connection in the middle of a write transaction (SQLite), or nothing."""
    if database.backend != "sqlite":
        yield lambda: None  # PostgreSQL waits for row locks; only the rows matter there
        return
    writer = sqlite3.connect(database.engine.url.database, isolation_level=None, timeout=30)
    writer.execute("BEGIN IMMEDIATE")
    # a real change, so that a snapshot taken before the commit is out of date after it
    writer.execute("UPDATE api_key SET name = name || ''")
    writer.execute("UPDATE staff_session SET user_agent = user_agent")
    try:
        yield lambda: writer.execute("COMMIT")
    finally:
        writer.close()


async def _while_another_writes(database, request):
    with another_writer(database) as commit:
        answer = asyncio.create_task(request)
        await asyncio.sleep(0.5)  # the request reads, then waits for the write lock
        commit()
        return await answer


async def test_an_api_key_due_a_refresh_works_while_another_connection_writes(
    staff_users, graphql, pdms_db
):
    key = await staff_users.api_key("core.people.read")
    async with pdms_db.sessionmaker() as session, session.begin():
        await session.execute(update(ApiKey).values(last_used_at=None))

    answer = await _while_another_writes(
        pdms_db, graphql.execute(PEOPLE, headers=bearer(key.secret))
    )

    assert answer.errors == [], answer.errors
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(ApiKey.last_used_at)) is not None


async def test_a_session_due_a_refresh_works_while_another_connection_writes(
    staff_users, graphql, pdms_db
):
    token = await staff_users.token("touch@council.invalid", "core.people.read")
    async with pdms_db.sessionmaker() as session, session.begin():
        seen = await session.scalar(select(StaffSession.last_seen_at))
        # due a refresh (once a minute), well within the idle timeout
        stale = seen - timedelta(minutes=5)
        await session.execute(update(StaffSession).values(last_seen_at=stale))

    answer = await _while_another_writes(pdms_db, graphql.execute(WHO, headers=bearer(token)))

    assert answer.ok()["viewer"]["email"] == "touch@council.invalid"
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(StaffSession.last_seen_at)) > stale
