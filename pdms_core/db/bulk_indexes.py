"""Bulk loads with a table's secondary indexes built once, after the rows are in.

Inserting a million rows keeps every index up row by row, in the order the rows come:
for an index on postcode that is a random walk through its B-tree. Building the index
afterwards sorts the column once, which on SQLite costs a fraction of the upkeep. This
is for SQLite only: its DDL is transactional and its readers (WAL) keep seeing the
indexes of their own snapshot, so dropping them inside the import's transaction hides
nothing from anyone. On PostgreSQL a DROP INDEX would lock every reader out of the
table until the import commits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection


@asynccontextmanager
async def secondary_indexes_deferred(
    connection: AsyncConnection, table: str
) -> AsyncIterator[None]:
    """Inside the caller's transaction, write ``table`` without its secondary indexes.

    Indexes created with CREATE INDEX are dropped on entry and created again, from
    their own stored definitions, on a normal exit; the indexes behind UNIQUE and
    PRIMARY KEY constraints stay (SQLite stores no definition for them, and writes need
    them). On an error the caller's transaction must be rolled back, which brings the
    indexes back too.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    indexes = (
        await connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            (table,),
        )
    ).all()
    for name, _sql in indexes:
        await connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        await connection.exec_driver_sql(sql)
