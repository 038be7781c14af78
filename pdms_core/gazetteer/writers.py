"""The bulk paths that write places: executemany on SQLite, COPY on PostgreSQL.

The ORM unit of work would build an object, track it and issue one INSERT per place;
an AddressBase supply has millions. Both writers work on the import's own connection,
inside its one transaction, through the raw driver connection, and both upsert on UPRN:
a place that exists is updated, and its ``version`` bumped, only when a value differs,
so importing the same file twice changes nothing the second time.

Writes are pipelined: ``write`` starts a batch on the database and returns, so the next
batch is parsed while the database works. PostgreSQL is another process, so the two
really overlap; aiosqlite's thread releases the GIL only while SQLite steps (binding
each row needs it back), so there the gain is small. At most one batch is in flight;
``drain`` waits for it, and must be called before anything else uses the connection.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from operator import is_not, itemgetter
from typing import NamedTuple, Protocol

import orjson
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.gazetteer.records import PLACE_COLUMNS, PlaceRecord
from pdms_core.places.models import Place

_TABLE = Place.__tablename__
_UPDATED = PLACE_COLUMNS[1:]  # everything but the key
_ASSIGNMENTS = ", ".join(f"{name} = excluded.{name}" for name in _UPDATED)
_LIST = ", ".join(PLACE_COLUMNS)


class Counts(NamedTuple):
    """What the upserts did."""

    inserted: int
    updated: int
    unchanged: int


class PlaceWriter(Protocol):
    async def start(self) -> None: ...
    async def write(self, records: Sequence[PlaceRecord]) -> None: ...
    async def drain(self) -> None: ...
    async def finish(self) -> Counts: ...


class _Pipeline:
    """One database call in flight while the caller goes on parsing."""

    _pending: asyncio.Future | None = None

    async def _launch(self, call: Awaitable[None]) -> None:
        self._pending = asyncio.ensure_future(call)
        # One turn of the loop hands the call to the driver (aiosqlite's queue, or
        # asyncpg's socket) before the caller's synchronous parsing resumes.
        await asyncio.sleep(0)

    async def drain(self) -> None:
        """Wait for the batch in flight; re-raises its error."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            await pending


def writer_for(connection: AsyncConnection) -> PlaceWriter:
    """The bulk writer for the connection's backend."""
    if connection.dialect.name == "postgresql":
        return PostgresWriter(connection)
    return SqliteWriter(connection)


class SqliteWriter(_Pipeline):
    """``executemany`` in the import's transaction: insert the new places, then update
    the stored ones that differ.

    SQLite has no COPY; prepared-once executemany inside one transaction is its fast
    path (no per-row commit, no statement re-parse). Each batch first asks which of its
    UPRNs are stored (one query), then sends a plain INSERT for the others and an
    UPDATE for those. Not one ``INSERT ... ON CONFLICT DO UPDATE``, because of triggers
    on ``place`` (the search index's): SQLite applies the conflict policy of the outer
    statement to the statements inside its triggers, so under an upsert their
    ``INSERT OR IGNORE`` fails on the first word already known. Not an ``INSERT ...
    WHERE NOT EXISTS`` either: SQLite runs that more than twice as slowly as a plain
    INSERT.

    Rows are sent grouped by which of their columns are empty, each group with a
    statement that writes those columns as a literal NULL. Most of a gazetteer row is
    empty, and Python's sqlite3 binds a None several times more slowly than a value
    (it looks for an adapter first), so this halves the cost of binding.
    """

    STORED = f"SELECT uprn FROM {_TABLE} WHERE uprn IN (SELECT value FROM json_each(?))"

    def __init__(self, connection: AsyncConnection):
        self._connection = connection
        self._driver = None
        self._counts = Counts(0, 0, 0)

    async def start(self) -> None:
        self._driver = (await self._connection.get_raw_connection()).driver_connection

    async def write(self, records: Sequence[PlaceRecord]) -> None:
        await self.drain()
        await self._launch(self._upsert([r.values for r in records]))

    async def _upsert(self, rows: list[tuple]) -> None:
        cursor = await self._driver.execute(self.STORED, (orjson.dumps([r[0] for r in rows]),))
        stored = {uprn for (uprn,) in await cursor.fetchall()}
        await cursor.close()
        new, known = [], []
        for row in rows:
            if row[0] in stored:
                known.append(row)
            else:
                new.append(row)
                # A UPRN twice in one batch: inserted once, then updated by its later row.
                stored.add(row[0])
        inserted = updated = 0
        for sql, parameters in sqlite_inserts(new):
            inserted += await self._executemany(sql, parameters)
        # A UPRN's later row wins; the earlier ones count as unchanged.
        latest = list({row[0]: row for row in known}.values())
        for shape, group in _by_shape(latest).items():
            updated += await self._executemany(_update_sql(shape), map(_getter(shape), group))
        done = self._counts
        self._counts = Counts(
            done.inserted + inserted,
            done.updated + updated,
            done.unchanged + len(known) - updated,
        )

    async def _executemany(self, sql: str, rows: Iterable[tuple]) -> int:
        cursor = await self._driver.executemany(sql, rows)
        changed = cursor.rowcount  # sqlite3 sums the rows each execution changed
        await cursor.close()
        return changed

    async def finish(self) -> Counts:
        await self.drain()
        return self._counts


def sqlite_inserts(rows: list[tuple]) -> list[tuple[str, Iterable[tuple]]]:
    """INSERT statements for new places (values tuples) and their parameters, one per
    combination of empty columns (see SqliteWriter)."""
    return [
        (_insert_sql(shape), map(_getter(shape), group)) for shape, group in _by_shape(rows).items()
    ]


#: Which columns of a row hold a value: True where they do.
Shape = tuple[bool, ...]
_NONES = (None,) * len(PLACE_COLUMNS)


def _by_shape(rows: list[tuple]) -> dict[Shape, list[tuple]]:
    groups: dict[Shape, list[tuple]] = {}
    for row in rows:
        shape = tuple(map(is_not, row, _NONES))
        group = groups.get(shape)
        if group is None:
            groups[shape] = [row]
        else:
            group.append(row)
    return groups


@functools.cache
def _getter(shape: Shape) -> Callable[[tuple], tuple]:
    """The row's values for the columns ``shape`` says are filled, as a tuple."""
    positions = [n for n, filled in enumerate(shape) if filled]
    if len(positions) == 1:
        (position,) = positions
        return lambda row: (row[position],)
    return itemgetter(*positions)


def _placeholders(shape: Shape) -> list[str]:
    """Per column: its parameter (numbered in the order ``_getter`` gives) or NULL."""
    numbers = itertools.count(1)
    return [f"?{next(numbers)}" if filled else "NULL" for filled in shape]


@functools.cache
def _insert_sql(shape: Shape) -> str:
    return f"INSERT INTO {_TABLE} ({_LIST}, version) VALUES ({', '.join(_placeholders(shape))}, 1)"


@functools.cache
def _update_sql(shape: Shape) -> str:
    key, *values = _placeholders(shape)
    pairs = list(zip(_UPDATED, values, strict=True))
    return (
        f"UPDATE {_TABLE} SET "
        + ", ".join(f"{name} = {value}" for name, value in pairs)
        + f", version = version + 1 WHERE uprn = {key} AND ("
        + " OR ".join(f"{name} IS NOT {value}" for name, value in pairs)
        + ")"
    )


_DATE = PLACE_COLUMNS.index("last_update_date")


@functools.lru_cache(maxsize=10_000)
def _date(text: str | None) -> date | None:
    """An ISO date for COPY's binary date column (gazetteer dates repeat a lot)."""
    return None if text is None else date.fromisoformat(text)


def _stage_type(name: str) -> str:
    if name == "last_update_date":
        return "text"  # parsers keep dates as ISO text; cast once in SQL
    return Place.__table__.c[name].type.compile(dialect=postgresql.dialect())


class PostgresWriter(_Pipeline):
    """COPY into a temporary staging table, then one INSERT ... SELECT ... ON CONFLICT;
    or, for a batch of places none of which is stored yet, COPY straight into place.

    COPY is PostgreSQL's bulk path; asyncpg encodes records in binary. Staging first
    lets one set-based statement upsert each batch, and a UPRN that appears twice in a
    batch is reduced to its last row (ON CONFLICT may not touch a row twice); batches
    apply in file order, so across batches the later row wins too. One indexed query
    per batch tells whether any of its UPRNs is stored; when none is (and none repeats
    within the batch) there is nothing to merge, and staging would only double the work.
    """

    STAGE = "gazetteer_stage"
    ANY_STORED = f"SELECT EXISTS (SELECT FROM {_TABLE} WHERE uprn = ANY($1::bigint[]))"
    CREATE = (
        f"CREATE TEMPORARY TABLE {STAGE} (line integer NOT NULL, "
        + ", ".join(f"{name} {_stage_type(name)}" for name in PLACE_COLUMNS)
        + ") ON COMMIT DROP"
    )
    _SELECTED = _LIST.replace("last_update_date", "last_update_date::date")
    _DIFFERS = (
        f"({', '.join(f'{_TABLE}.{n}' for n in _UPDATED)}) IS DISTINCT FROM "
        f"({', '.join(f'excluded.{n}' for n in _UPDATED)})"
    )
    # Rows equal to the stored ones are left out before the INSERT, not by its ON
    # CONFLICT: PostgreSQL computes a row's generated columns (place's search_vector)
    # before it looks for the conflict, so a re-import of a full supply would compute
    # every row's words only to throw them away.
    UPSERT = f"""
        WITH source AS (
            SELECT DISTINCT ON (uprn) {_SELECTED} FROM {STAGE} ORDER BY uprn, line DESC
        ), changed AS (
            SELECT source.* FROM source LEFT JOIN {_TABLE} USING (uprn)
            WHERE {_TABLE}.uprn IS NULL
               OR ({", ".join(f"{_TABLE}.{n}" for n in _UPDATED)}) IS DISTINCT FROM
                  ({", ".join(f"source.{n}" for n in _UPDATED)})
        ), upserted AS (
            INSERT INTO {_TABLE} ({_LIST}, version) SELECT *, 1 FROM changed
            ON CONFLICT (uprn) DO UPDATE SET {_ASSIGNMENTS}, version = {_TABLE}.version + 1
            WHERE {_DIFFERS}
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               (SELECT count(*) FROM source)
        FROM upserted
    """

    def __init__(self, connection: AsyncConnection):
        self._connection = connection
        self._driver = None
        self._counts = Counts(0, 0, 0)

    async def start(self) -> None:
        # Through SQLAlchemy first: that is what opens the transaction on the asyncpg
        # connection, so the raw COPYs below run inside it.
        await self._connection.exec_driver_sql(self.CREATE)
        self._driver = (await self._connection.get_raw_connection()).driver_connection
        assert self._driver.is_in_transaction()

    async def write(self, records: Sequence[PlaceRecord]) -> None:
        await self.drain()  # one operation at a time on the connection
        # The COPY runs while the caller goes on; it gets the event loop (to stream
        # its data) whenever the caller waits, which a background parser's caller
        # does all the time.
        await self._launch(self._write(list(records)))  # the caller reuses its list

    async def _write(self, records: Sequence[PlaceRecord]) -> None:
        uprns = [r.values[0] for r in records]
        if len(set(uprns)) == len(uprns) and not await self._driver.fetchval(
            self.ANY_STORED, uprns
        ):
            # All new (a first load, or the new places of an update): straight into
            # place, with nothing to merge; the database does no more than the floor.
            await self._driver.copy_records_to_table(
                _TABLE,
                records=[
                    (*v[:_DATE], _date(v[_DATE]), *v[_DATE + 1 :], 1)
                    for v in (r.values for r in records)
                ],
                columns=(*PLACE_COLUMNS, "version"),
            )
            done = self._counts
            self._counts = Counts(done.inserted + len(records), done.updated, done.unchanged)
            return
        await self._driver.copy_records_to_table(
            self.STAGE,
            records=[(r.line, *r.values) for r in records],
            columns=("line", *PLACE_COLUMNS),
        )
        await self._upsert()

    async def _upsert(self) -> None:
        inserted, updated, distinct = await self._driver.fetchrow(self.UPSERT)
        await self._driver.execute(f"TRUNCATE {self.STAGE}")
        done = self._counts
        self._counts = Counts(
            done.inserted + inserted,
            done.updated + updated,
            done.unchanged + distinct - inserted - updated,
        )

    async def finish(self) -> Counts:
        await self.drain()
        return self._counts
