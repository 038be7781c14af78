"""Bulk INSERT of many rows through the session's own connection and transaction.

A weekly report is tens of thousands of rows. SQLAlchemy's executemany spends most of
its time on per-value bind processing, so, as core's gazetteer import does, rows go to
the driver directly: COPY on PostgreSQL (asyncpg), one executemany on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_rows(
    session: AsyncSession, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the current transaction."""
    if not rows:
        return
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if connection.dialect.name == "postgresql":
        await driver.copy_records_to_table(table.name, records=rows, columns=list(columns))
        return
    # SQLite: the same text and integer forms SQLAlchemy's SQLite types store.
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    await driver.executemany(sql, [tuple(_sqlite(v) for v in row) for row in rows])


def _sqlite(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
