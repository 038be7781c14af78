"""pytest fixtures for PDMS core and plugin test suites.

Database fixtures are parametrised over ``sqlite`` and ``postgresql``; the PostgreSQL
half runs when ``PDMS_TEST_POSTGRES_URL`` names a server where the tests may create
and drop a throwaway database, and is skipped with that reason otherwise.

Override ``pdms_extra_entry_points`` in a conftest to enable plugins that are not
installed (core's own suite enables its dummy plugin that way).

``PDMS_TEST_EXECUTOR=stock`` runs the suite under strawberry's own executor instead of
PDMS's fast one (``PDMS_EXECUTOR``, ``pdms_core/graphql/executors.py``); the
``graphql_under`` fixture gives a client of either, beside the default one.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from importlib.metadata import EntryPoint
from typing import Any

import pytest
from sqlalchemy import event

from pdms_core.app import create_app
from pdms_core.db import migrations
from pdms_core.db.engine import Database
from pdms_core.errors import ConfigurationError
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.settings import Settings
from pdms_core.testing.actors import TestActors
from pdms_core.testing.client import GraphQLClient
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, empty_tables, throwaway_database

BACKENDS = ("sqlite", "postgresql")
#: Names the executor the suite's apps run (``fast`` unless set).
EXECUTOR_VARIABLE = "PDMS_TEST_EXECUTOR"


def test_executor() -> str:
    """The executor the suite runs under: ``PDMS_TEST_EXECUTOR``, else ``fast``."""
    return os.environ.get(EXECUTOR_VARIABLE) or "fast"


test_executor.__test__ = False  # type: ignore[attr-defined]  # not a test


@pytest.fixture(scope="session")
def pdms_extra_entry_points() -> list[EntryPoint]:
    """Entry points to enable besides the installed ones (override in conftest)."""
    return []


@pytest.fixture(scope="session", params=BACKENDS)
def pdms_backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this run of the test."""
    if request.param == "postgresql" and not os.environ.get(POSTGRES_URL_VARIABLE):
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (e.g. "
            "postgresql://postgres@127.0.0.1:5432/postgres); .ci/run sets it"
        )
    return request.param


@pytest.fixture(scope="session")
def pdms_test_actors() -> TestActors:
    """The hook object that lets tests act as any actor."""
    return TestActors()


@pytest.fixture(scope="session")
async def pdms_database_url(
    pdms_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """An empty database for this test session, removed afterwards."""
    folder = tmp_path_factory.mktemp(f"db-{pdms_backend}")
    async with throwaway_database(
        pdms_backend, os.environ.get(POSTGRES_URL_VARIABLE), folder
    ) as url:
        yield url


@pytest.fixture(scope="session")
def pdms_settings(pdms_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Production-like settings (debug off) pointing at the test database, with the
    executor ``PDMS_TEST_EXECUTOR`` names."""
    try:
        return Settings(
            database_url=pdms_database_url,
            data_dir=tmp_path_factory.mktemp("data"),
            executor=test_executor(),
        )
    except ConfigurationError as error:
        raise pytest.UsageError(f"{EXECUTOR_VARIABLE}: {error}") from None


@pytest.fixture(scope="session")
def pdms_host(
    pdms_settings: Settings, pdms_extra_entry_points: list[EntryPoint], pdms_test_actors: TestActors
) -> PluginHost:
    """The host with every installed plugin plus the extra entry points."""
    return PluginHost.load(
        pdms_settings,
        entry_points=installed_entry_points() + pdms_extra_entry_points,
        extra_hooks=[pdms_test_actors],
    )


@pytest.fixture(scope="session")
async def pdms_database(pdms_host: PluginHost) -> AsyncIterator[Database]:
    """The migrated test database (migrated once per session and backend)."""
    # Alembic's env runs its own event loop, so it runs in a worker thread.
    await asyncio.to_thread(migrations.upgrade, pdms_host)
    database = Database.connect(pdms_host.settings.resolved_database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def pdms_db(pdms_database: Database, pdms_host: PluginHost) -> AsyncIterator[Database]:
    """The migrated database, emptied after the test."""
    yield pdms_database
    await empty_tables(pdms_database, set(pdms_host.owned_tables()))


@pytest.fixture
def pdms_app(pdms_db: Database, pdms_host: PluginHost) -> Any:
    """The real Starlette application over the test database."""
    return create_app(host=pdms_host, database=pdms_db)


@pytest.fixture
def graphql(pdms_app: Any, pdms_test_actors: TestActors) -> Iterator[GraphQLClient]:
    """A GraphQL client for the app; ``graphql.as_actor(staff(...))`` to act as someone."""
    yield GraphQLClient(pdms_app, pdms_test_actors)
    pdms_test_actors.reset()


@pytest.fixture
def graphql_under(
    pdms_db: Database, pdms_host: PluginHost, pdms_test_actors: TestActors
) -> Iterator[Any]:
    """``graphql_under("stock")``: a client of an app like ``pdms_app`` (same database,
    plugins and actors) running the named executor, to compare the two; keyword
    arguments change other settings too."""

    def client(executor: str, **changes: Any) -> GraphQLClient:
        settings = pdms_host.settings.with_changes(executor=executor, **changes)
        host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
        return GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)

    yield client
    pdms_test_actors.reset()


class StatementCounter:
    """Counts SQL statements sent to the database while active."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.count += 1
            self.statements.append(statement)

    def reset(self) -> None:
        self.count = 0
        self.statements.clear()


@pytest.fixture
def sql_statements(pdms_db: Database) -> Iterator[StatementCounter]:
    """Counts the SQL statements the test causes (excluding transaction control)."""
    counter = StatementCounter()
    for engine in pdms_db.engines:
        event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    for engine in pdms_db.engines:
        event.remove(engine.sync_engine, "before_cursor_execute", counter)
