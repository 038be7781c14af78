"""Pages read at the same time keep the readers' connections instead of reconnecting;
how many the readers' pool keeps is a setting."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from pdms_core.app import create_app
from pdms_core.errors import ConfigurationError
from pdms_core.host import PluginHost
from pdms_core.settings import Settings
from tests.problems.test_portal_statements import PORTAL_LIST, seed_small_council


async def test_four_portal_lists_at_once_reuse_the_readers_connections(
    pdms_host, pdms_db, caseworker
):
    if pdms_db.backend != "postgresql":
        pytest.skip("only PostgreSQL reads through a pool of its own (Database.readers)")
    await seed_small_council(pdms_host)
    readers = pdms_db.engines[-1].sync_engine
    closed: list[object] = []

    def count(*_: object) -> None:
        closed.append(object())

    event.listen(readers, "close", count)
    try:
        for _ in range(3):
            answers = await asyncio.gather(
                *(caseworker.execute(PORTAL_LIST, {"first": 20}) for _ in range(4))
            )
            assert all(answer.ok()["cases"]["nodes"] for answer in answers)
    finally:
        event.remove(readers, "close", count)
    # Four pages at once (up to five loader batches each) keep every connection they
    # open: a pool smaller than that closed a connection after each overflowing batch
    # and opened another for the next.
    assert closed == []


async def test_the_readers_pool_size_is_a_setting(pdms_host, pdms_db):
    if pdms_db.backend != "postgresql":
        pytest.skip("only PostgreSQL reads through a pool of its own (Database.readers)")
    url = pdms_host.settings.resolved_database_url
    settings = Settings.from_env({"PDMS_DATABASE_URL": url, "PDMS_READ_POOL_SIZE": "3"})
    app = create_app(
        host=PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    )
    database = app.state.database
    try:
        assert database.reading_engine.pool.size() == 3
        assert database.engine.pool.size() == 5  # the main pool keeps SQLAlchemy's default
    finally:
        await database.dispose()
    for wrong in ("0", "many"):
        with pytest.raises(ConfigurationError, match="PDMS_READ_POOL_SIZE"):
            Settings.from_env({"PDMS_READ_POOL_SIZE": wrong})
