"""Alembic environment for core and every enabled plugin (multiple bases).

The host and database URL come from ``config.attributes`` (set by
``pdms_core.db.migrations``). Only tables owned by enabled plugins are compared, so a
disabled plugin's tables are neither created nor reported as drift.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.pool import NullPool

from pdms_core.db.base import Base
from pdms_core.db.engine import create_engine

config = context.config
host = config.attributes["host"]
url = config.attributes["url"]
owned_tables = set(host.owned_tables())
#: Text-search objects (FTS5 tables and their shadow tables, trigram and word indexes)
#: are raw DDL in the search migration; the models do not describe them.
SEARCH_PREFIX = "search_"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if reflected and compare_to is None and (name or "").startswith(SEARCH_PREFIX):
        return False
    if type_ == "table":
        return name in owned_tables
    table = getattr(obj, "table", None)
    return table is None or table.name in owned_tables


def run_with(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # SQLAlchemy emits BEGIN itself on SQLite (see db.engine), so DDL is
        # transactional there too: a failed migration leaves nothing half done.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_with)
            await connection.commit()
    finally:
        await engine.dispose()


asyncio.run(run_online())
