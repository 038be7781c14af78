"""After a bulk load: do now what autovacuum would do later, before the first search."""

from __future__ import annotations

from collections.abc import Sequence

from pdms_core.db.engine import Database


async def settle_after_bulk_load(database: Database, tables: Sequence[str] = ()) -> None:
    """Fresh statistics for ``tables`` (every table when empty), and on PostgreSQL a VACUUM.

    Statistics, so the planner knows the tables' new size. The VACUUM because only it
    (or autovacuum's own analyze, which may be off or minutes away) merges the GIN
    pending lists of the search indexes; a plain ANALYZE does not. Left pending, every
    word-index lookup scans the list linearly, and a vocabulary that sits wholly in its
    list makes its trigram index look free to the planner: the prepared (generic) plan
    a pooled connection switches to after five searches then probed it once per
    one-edit candidate, some 800 times, taking 1-2 s a search instead of 10 ms
    (bench/RESULTS.md, *Search on the county dataset*).
    """
    names = ", ".join(tables)
    if database.backend == "postgresql":
        async with database.engine.connect() as connection:
            # VACUUM cannot run inside a transaction block.
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql(f"VACUUM ANALYZE {names}".rstrip())
        return
    async with database.engine.begin() as connection:
        for table in tables or [""]:
            await connection.exec_driver_sql(f"ANALYZE {table}".rstrip())
