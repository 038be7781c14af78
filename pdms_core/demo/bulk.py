"""Bulk inserts for generated data: executemany of plain rows, never the ORM unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

CHUNK = 5_000


async def insert_many(
    connection: AsyncConnection, model: Any, rows: list[dict[str, Any]], *, returning: bool = False
) -> list[int]:
    """Insert ``rows`` in chunks; with ``returning``, their new ids in the rows' order."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if returning:
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)
            ids.extend((await connection.execute(statement, chunk)).scalars())
        else:
            await connection.execute(insert(model), chunk)
    return ids
