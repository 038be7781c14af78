"""Throwaway test databases: a SQLite file, or a PostgreSQL database per test run."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import delete, text
from sqlalchemy.engine import make_url

from pdms_core.db.base import Base
from pdms_core.db.engine import Database, create_engine, normalise_url

POSTGRES_URL_VARIABLE = "PDMS_TEST_POSTGRES_URL"


@asynccontextmanager
async def throwaway_database(
    backend: str, postgres_url: str | None, folder: Path
) -> AsyncIterator[str]:
    """The URL of an empty database that is removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'pdms-test.sqlite3'}"
        return
    assert postgres_url is not None
    admin_url = make_url(normalise_url(postgres_url))
    name = f"pdms_test_{secrets.token_hex(6)}"
    admin = create_engine(
        admin_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def empty_tables(database: Database, tables: set[str]) -> None:
    """Delete every row of ``tables``, children before parents."""
    async with database.sessionmaker() as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in tables:
                await session.execute(delete(table))
