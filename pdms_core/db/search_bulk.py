"""Bulk loads with the search index rebuilt once, not kept up row by row.

On SQLite the search triggers (see the search migration) cost tens of microseconds per
row written, mostly FTS5 indexing one row at a time; a million-row import spends more
time there than on its own inserts. Rebuilding afterwards costs seconds: FTS5 rebuilds
an external-content index from its table in one pass, and the new words come from the
index's own vocabulary. PostgreSQL needs none of this: its vocabulary triggers fire
once per statement (so once per COPY), and GIN indexes batch their own updates. They
batch them into a pending list that every lookup scans and only VACUUM (or autovacuum)
merges, so a bulk load there should be followed by one (as ``pdms demo seed`` does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

#: Table -> (its FTS5 word index, its vocabulary), as the search migration names them.
SQLITE_INDEXES = {
    "person": ("search_person", "search_name_term"),
    "place": ("search_place", "search_address_term"),
}


@asynccontextmanager
async def search_indexing_deferred(connection: AsyncConnection, table: str) -> AsyncIterator[None]:
    """Inside the caller's transaction, write ``table`` without per-row search upkeep.

    The search triggers are dropped on entry and recreated, from their own stored
    definitions, after the index is rebuilt on a normal exit. On an error the caller's
    transaction must be rolled back, which (SQLite DDL being transactional) brings the
    triggers back too. Other writers wait for the transaction anyway: SQLite has one.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    fts, vocabulary = SQLITE_INDEXES[table]
    triggers = (
        await connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "AND name LIKE 'search\\_%' ESCAPE '\\' ORDER BY name",
            (table,),
        )
    ).all()
    for name, _sql in triggers:
        await connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    await connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    await connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE temp.{fts}_words USING fts5vocab(main, {fts}, 'row')"
    )
    await connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO {vocabulary} (term) SELECT term FROM temp.{fts}_words"
    )
    await connection.exec_driver_sql(f"DROP TABLE temp.{fts}_words")
    for _name, sql in triggers:
        await connection.exec_driver_sql(sql)
