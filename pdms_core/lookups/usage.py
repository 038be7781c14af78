"""Whether lookup values are still referenced, by any table in the database.

The database's own foreign keys are the authority: a disabled module's table still
holds references even though its models are not loaded, so metadata alone would miss
it and a delete would fail half-way.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import column, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.lookups.models import LookupValue

TARGET = LookupValue.__tablename__


async def referencing_columns(session: AsyncSession) -> list[tuple[str, str]]:
    """(table, column) for every foreign key in the database to ``lookup_value.id``."""

    def read(sync_session) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
        inspector = inspect(sync_session.connection())
        found = []
        for name in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(name):
                if fk["referred_table"] == TARGET and len(fk["constrained_columns"]) == 1:
                    found.append((name, fk["constrained_columns"][0]))
        return sorted(found)

    return await session.run_sync(read)


async def values_in_use(session: AsyncSession, value_ids: Collection[int]) -> set[int]:
    """The subset of ``value_ids`` that some row still points at."""
    used: set[int] = set()
    for table_name, column_name in await referencing_columns(session):
        referencing = column(column_name)
        statement = (
            select(referencing)
            .select_from(table(table_name, referencing))
            .where(referencing.in_(list(value_ids)))
            .distinct()
        )
        used.update(value for (value,) in await session.execute(statement))
    return used
