"""Bulk writes for imports: many rows in the caller's transaction, without the ORM.

A weekly report or a supplier's file is tens of thousands of rows. SQLAlchemy's
executemany spends most of its time on per-value bind processing, so ``insert_rows``
hands rows to the driver directly: COPY on PostgreSQL (asyncpg), one executemany on
SQLite. ``upsert_rows`` needs ON CONFLICT, which COPY cannot do, so it goes through
SQLAlchemy's dialect inserts in chunks. Both run inside the session's transaction, so
an import stays all rows or none.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.datetimes import sqlite_text

T = TypeVar("T")

#: Rows (or bound parameters of an IN list) per statement: well under SQLite's and
#: asyncpg's parameter limits.
CHUNK = 5_000


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def insert_rows(
    session: AsyncSession, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the current transaction.

    Example::

        await insert_rows(session, WeekRow.__table__, ("week_id", "account_id"), rows)
    """
    if not rows:
        return
    _check_columns(table, columns)
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if connection.dialect.name == "postgresql":
        if not driver.is_in_transaction():
            # SQLAlchemy's asyncpg adapter sends BEGIN with its first statement; a COPY
            # sent straight to the driver before one would commit on its own.
            await connection.exec_driver_sql("SELECT 1")
        await driver.copy_records_to_table(table.name, records=rows, columns=list(columns))
        return
    # SQLite: the same text and integer forms SQLAlchemy's SQLite types store.
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    # Only date and time columns need converting; a row-by-value pass over every cell
    # was a third of a 50,000-row arrears import's database time.
    dated = [i for i, name in enumerate(columns) if _may_hold_dates(table.c[name])]
    if dated:
        rows = [_sqlite_row(row, dated) for row in rows]
    await driver.executemany(sql, rows)


async def upsert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert ``rows`` (dicts by column name); a row whose ``key`` columns match an
    existing row's updates that row's ``update`` columns instead (default: every
    column of the row but the key). ``key`` must be a primary key or unique constraint.

    Example::

        await upsert_rows(session, Balance.__table__, rows, key=("account_id", "week"))
    """
    if not rows:
        return
    columns = list(rows[0])
    _check_columns(table, [*columns, *key])
    changing = list(update) if update is not None else [c for c in columns if c not in key]
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for chunk in chunks(rows, CHUNK // max(len(columns), 1)):
        statement = insert(table).values(list(chunk))
        if changing:
            statement = statement.on_conflict_do_update(
                index_elements=list(key),
                set_={name: statement.excluded[name] for name in changing},
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=list(key))
        await session.execute(statement)


def _check_columns(table: Table, columns: Sequence[str]) -> None:
    # Column names reach SQL text on the SQLite path: only the table's own are allowed.
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")


#: Column types whose values the sqlite3 module binds as they are (bool as 0 or 1).
_PLAIN = (int, str, float, bool, bytes)


def _may_hold_dates(column: Any) -> bool:
    try:
        return column.type.python_type not in _PLAIN
    except NotImplementedError:  # a custom type that does not say: convert to be safe
        return True


def _sqlite_row(row: Sequence[Any], indexes: list[int]) -> list[Any]:
    converted = list(row)
    for i in indexes:
        converted[i] = _sqlite(converted[i])
    return converted


def _sqlite(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        # The text UtcDateTime stores: the UTC wall clock (naive taken as UTC), so a
        # bulk-written row reads back, sorts and compares like an ORM-written one.
        return sqlite_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
