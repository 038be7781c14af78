"""Whether a lookup value is referenced anywhere, by any enabled module's table."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Column, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.base import Base
from pdms_core.lookups.models import LookupValue


def referencing_columns(tables: Collection[str]) -> list[Column]:
    """Every column, in the given tables, with a foreign key to ``lookup_value.id``."""
    target = LookupValue.__table__.c.id
    columns = []
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        for fk in table.foreign_keys:
            if fk.column is target:
                columns.append(fk.parent)
    return columns


async def values_in_use(
    session: AsyncSession, value_ids: Collection[int], tables: Collection[str]
) -> set[int]:
    """The subset of ``value_ids`` that some row still points at."""
    used: set[int] = set()
    for column in referencing_columns(tables):
        rows = await session.execute(select(column).where(column.in_(value_ids)).distinct())
        used.update(value for (value,) in rows)
    return used


async def value_in_use(session: AsyncSession, value_id: int, tables: Collection[str]) -> bool:
    """Whether any row points at this value."""
    for column in referencing_columns(tables):
        if await session.scalar(select(exists().where(column == value_id))):
            return True
    return False
