"""Moving every reference from one place to another, when a provisional place turns out
to be a gazetteer place already here.

References are found from the tables' foreign keys to ``place.id`` (core's and every
enabled module's: they share one metadata), so a module needs no hook to take part;
documents, which name their holder by type and id, are moved as well. Where a table
allows a place only once per something (a case's places, say), a row of the provisional
place that would repeat one of the other place's is dropped: the other place already
says the same.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Column, Table, UniqueConstraint, and_, delete, exists, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.base import Base
from pdms_core.documents.models import Document


def place_columns() -> Iterator[tuple[Table, Column]]:
    """Every (table, column) whose column is a foreign key to ``place.id``."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "place" for fk in column.foreign_keys):
                yield table, column


def _unique_sets(table: Table, column: Column) -> list[list[Column]]:
    sets = [
        list(constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    sets += [list(index.columns) for index in table.indexes if index.unique]
    if column.unique:
        sets.append([column])
    return [s for s in sets if any(c is column for c in s)]


async def move_place_references(session: AsyncSession, from_id: int, to_id: int) -> None:
    for table, column in place_columns():
        for unique in _unique_sets(table, column):
            twin = table.alias("twin")
            same_otherwise = [twin.c[c.name] == table.c[c.name] for c in unique if c is not column]
            repeats = exists().where(and_(twin.c[column.name] == to_id, *same_otherwise))
            await session.execute(delete(table).where(column == from_id, repeats))
        await session.execute(update(table).where(column == from_id).values({column.name: to_id}))
    await session.execute(
        update(Document)
        .where(Document.holder_type == "Place", Document.holder_id == from_id)
        .values(holder_id=to_id)
    )
