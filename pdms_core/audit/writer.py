"""Group commit for the audit rows written after a request's operation.

Each request hands its rows to the one writer of its database (per process and event
loop) and waits until the batch holding them has committed; only then is its
response produced, so a row is never lost once an answer has been sent. The writer
writes one batch at a time: a batch starts as soon as rows arrive and no batch is
being written (no timer, so a lone request waits for nothing but its own write), and
rows arriving while a batch is being written form the next one. One batch is one
INSERT (an executemany) in one transaction: all its rows or none. A failed batch
fails every request in it; the next batch is written afresh.

On PostgreSQL the batch runs on an autocommit connection as one asyncpg
``executemany``, which asyncpg documents as atomic (one implicit transaction, since
0.22): one round trip instead of BEGIN, INSERT and COMMIT. A test refuses one row of
a batch and checks that none of them was stored. The connection comes from the
primary's autocommit pool (``Database.readers``, when it is the primary's), whose
liveness check on checkout is one round trip rather than three (BEGIN, the check,
ROLLBACK on the main pool). Elsewhere (SQLite) the batch runs inside
``BEGIN``/``COMMIT``; SQLite serialises writers anyway, and batching still saves a
transaction (an fsync) per request.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from pdms_core.audit.models import AuditEvent

if TYPE_CHECKING:
    from pdms_core.db.engine import Database

log = logging.getLogger("pdms.audit")

#: Rows one batch holds at most. A request's rows are never split across batches, so
#: a request with more rows than this is written alone.
MAX_BATCH_ROWS = 2000
_TABLE = AuditEvent.__table__


class AuditWriteFailed(Exception):
    """The audit rows of this request could not be stored; its answer must not go out.

    The message names only the cause's type: a driver's message can carry the rows'
    values (actor ids, addresses) or SQL text.
    """


class AuditWriter:
    """Writes the audit rows of concurrent requests in shared batches (group commit)."""

    def __init__(self, database: Database, *, max_batch_rows: int = MAX_BATCH_ROWS):
        self.max_batch_rows = max_batch_rows
        self.loop = asyncio.get_running_loop()
        self._pending: list[tuple[Sequence[dict[str, Any]], asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._engine = _batch_engine(database)

    async def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store ``rows`` (each naming every column); return once they have committed.

        Raises :class:`AuditWriteFailed` if the batch holding them failed.
        """
        if not rows:
            return
        done = self.loop.create_future()
        self._pending.append((rows, done))
        if self._task is None or self._task.done():  # done: cancelled before it ran
            self._task = self.loop.create_task(self._drain())
        # A request cancelled while it waits (its client went away) leaves its rows in
        # the batch: they are still written.
        await done

    async def flush(self) -> None:
        """Wait until every row handed over so far is written (or its batch failed)."""
        while self._task is not None:
            await asyncio.shield(self._task)

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._take_batch()
                await self._write_batch(batch)
        finally:
            self._task = None
            # Rows still here only if this task was cancelled (the loop going down):
            # no one will write them, so their requests must not wait for ever.
            for _, done in self._pending:
                done.cancel()
            self._pending = []

    def _take_batch(self) -> list[tuple[Sequence[dict[str, Any]], asyncio.Future[None]]]:
        taken, rows = 0, 0
        for request_rows, _ in self._pending:
            if taken and rows + len(request_rows) > self.max_batch_rows:
                break
            taken, rows = taken + 1, rows + len(request_rows)
        batch, self._pending = self._pending[:taken], self._pending[taken:]
        return batch

    async def _write_batch(self, batch: list[tuple[Sequence[dict[str, Any]], Done]]) -> None:
        try:
            await self._insert([row for rows, _ in batch for row in rows])
        except Exception as exc:
            _log_failure(exc, sum(len(rows) for rows, _ in batch), len(batch))
            if len(batch) == 1:
                _settle(batch, exc)
                return
            # One request's unwritable row (say, a value too long for its column)
            # must not fail the others that shared its batch: each is written alone.
            for request in batch:
                try:
                    await self._insert(request[0])
                except Exception as alone:
                    _log_failure(alone, len(request[0]), 1)
                    _settle([request], alone)
                else:
                    _settle([request], None)
            return
        except BaseException as exc:  # cancelled: the loop is going down
            _settle(batch, exc)
            raise
        _settle(batch, None)

    async def _insert(self, values: list[dict[str, Any]] | Sequence[dict[str, Any]]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(insert(_TABLE), list(values))


Done = asyncio.Future[None]


def _log_failure(exc: BaseException, rows: int, requests: int) -> None:
    # Type only in the log: the driver's message may hold the rows' values.
    log.error(
        "audit batch of %d rows from %d requests failed: %s",
        rows,
        requests,
        type(exc).__name__,
    )


def _settle(batch: list[tuple[Sequence[dict[str, Any]], Done]], exc: BaseException | None) -> None:
    """Wake the batch's requests: written, or failed with ``exc``."""
    for _, done in batch:
        if done.done():
            continue
        if exc is None:
            done.set_result(None)
        else:
            failure = AuditWriteFailed(f"audit rows not stored ({type(exc).__name__})")
            failure.__cause__ = exc
            done.set_exception(failure)


def _batch_engine(database: Database) -> AsyncEngine:
    """Where batches go: always the primary; on PostgreSQL in autocommit (see above)."""
    primary = database.engine
    if primary.dialect.name != "postgresql":
        return primary
    reading = database.reading_engine
    # Only while the readers' pool is the primary's: never a replica's.
    engine = reading if reading.url == primary.url else primary
    # A copy sharing the pool; a no-op on the readers' pool, already in autocommit.
    return engine.execution_options(isolation_level="AUTOCOMMIT")


#: The writer of each database (by ``id``), per process. A writer holds no reference to
#: its database, and the entry goes when the database is collected (``finalize``).
_writers: dict[int, AuditWriter] = {}


def audit_writer(database: Database) -> AuditWriter:
    """The audit writer of ``database`` on the running event loop, made when first used."""
    key = id(database)
    writer = _writers.get(key)
    if writer is None or writer.loop is not asyncio.get_running_loop():
        if key not in _writers:
            weakref.finalize(database, _writers.pop, key, None)
        writer = _writers[key] = AuditWriter(database)
    return writer


async def stop_audit_writer(database: Database) -> None:
    """Write what is pending and forget the writer (the app's shutdown); a later
    request on the same database gets a new one."""
    writer = _writers.pop(id(database), None)
    if writer is not None and writer.loop is asyncio.get_running_loop():
        await writer.flush()
