"""Bulk loads with a table's secondary indexes built once, after the rows are in.

Inserting a million rows keeps every index up row by row, in the order the rows come:
for an index on postcode that is a random walk through its B-tree, and for
PostgreSQL's GIN word index (``search_*_words``, see the search migration) a tsvector
per row merged into the index. Building an index afterwards sorts its keys once, which
costs a fraction of the upkeep.

Both backends' DDL is transactional, so the indexes are dropped and built again inside
the load's own transaction and a failed load gets them back with its rollback. What
others see differs:

* SQLite: readers (WAL) keep seeing the indexes of their own snapshot, and there is
  only one writer anyway, so this hides nothing from anyone.
* PostgreSQL: DROP INDEX takes an ACCESS EXCLUSIVE lock on the table, held until the
  load commits or rolls back. Every other transaction that reads the table (including
  a join through it) waits until then. That is the price; the caller decides when a
  load is large enough to pay it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

#: The indexes that may go, with their definitions: those made with CREATE INDEX and
#: not unique. Primary keys and unique indexes stay: a load must still be checked
#: against them, and upserts (ON CONFLICT) and lookups by key need them.
_DEFERRABLE = {
    # SQLite stores no definition for a constraint's index; origin 'c' is CREATE INDEX.
    "sqlite": """
        SELECT m.name, m.sql FROM sqlite_master AS m
        JOIN pragma_index_list(:table) AS l ON l.name = m.name
        WHERE m.type = 'index' AND l.origin = 'c' AND NOT l."unique"
        ORDER BY m.name
    """,
    "postgresql": """
        SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i
        JOIN pg_class AS c ON c.oid = i.indexrelid
        WHERE i.indrelid = to_regclass(:table) AND NOT i.indisunique
          AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.indexrelid)
        ORDER BY c.relname
    """,
}


@asynccontextmanager
async def secondary_indexes_deferred(
    connection: AsyncConnection, table: str
) -> AsyncIterator[None]:
    """Inside the caller's transaction, write ``table`` without its secondary indexes.

    They are dropped on entry and created again, from their own stored definitions, on
    a normal exit. On an error the caller's transaction must be rolled back, which
    brings the indexes back too.
    """
    indexes = (
        await connection.execute(text(_DEFERRABLE[connection.dialect.name]), {"table": table})
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    for name, _definition in indexes:
        await connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    # On PostgreSQL with the server's maintenance_work_mem: a larger one was measured to
    # make the million-row GIN build slower (64 MB: 8 s; 256 MB and 1 GB: 12 to 13 s),
    # and the B-trees' sorts fit in it.
    for _name, definition in indexes:
        await connection.exec_driver_sql(definition)
