"""Import one gazetteer file into ``place``: all of it in one transaction, or none of it.

The file is parsed once, as a stream. Complete places go to the backend's bulk writer
in large batches; partial ones (change-only updates of the multi-record formats) are
completed from the stored places first. The first bad row stops the writing but not
the reading, so the report lists every bad row (up to :data:`MAX_ERRORS`) and the
transaction is rolled back: a council fixes its file and imports it again, rather than
working out which half of it landed.

Deletes and successor links are gathered while reading (a change-only update holds
few) and applied after the upserts, since a delete followed by a re-insert of the same
UPRN in one file must leave the place in place.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.db.bulk_indexes import secondary_indexes_deferred
from pdms_core.db.engine import Database
from pdms_core.db.search_bulk import search_indexing_deferred
from pdms_core.db.settle import settle_after_bulk_load
from pdms_core.errors import PdmsError
from pdms_core.gazetteer.background import (
    chunks_in_background,
    chunks_in_process,
    chunks_in_thread,
    fewer_collections,
)
from pdms_core.gazetteer.completion import Completer
from pdms_core.gazetteer.formats import FORMATS, GazetteerFormat
from pdms_core.gazetteer.reader import Progress
from pdms_core.gazetteer.records import DELETE, PlaceRecord, RowError, SuccessorRecord
from pdms_core.gazetteer.retire import Repointing, retire
from pdms_core.gazetteer.writers import writer_for
from pdms_core.places.models import Place

MAX_ERRORS = 1000
#: Rows per executemany / COPY: large enough that per-call costs vanish, small
#: enough that a batch of tuples stays a few tens of megabytes.
BATCH = 20_000
#: Rows per batch when a parser process parses the file: the writer waits for its
#: chunks anyway, so a batch is written as soon as a chunk or so has come, and the
#: last COPY, which nothing overlaps, is short (200,000 rows on PostgreSQL: 0.03 s
#: after the last chunk instead of 0.15 to 0.18 s with batches of 20,000).
BACKGROUND_BATCH = 5000
#: Partial records completed per database lookup.
PARTIAL_BATCH = 1000
#: When to build place's search objects and secondary indexes once at the end instead
#: of keeping them up row by row (see ``_defer_upkeep``), per backend: seconds of upkeep
#: per row written, seconds of rebuilding per row of the table (both measured; see
#: docs/gazetteer.md, "How it is written").
UPKEEP_COST = {"sqlite": 60e-6, "postgresql": 40e-6}
REBUILD_COST = {"sqlite": 3e-6, "postgresql": 17e-6}
#: File bytes per place (AddressBase Plus; multi-record files have more per place,
#: which only makes deferring likelier).
BYTES_PER_ROW = 250
DEFER_MIN_ROWS = 10_000
#: UPRNs of the first batch looked up to estimate how many of the file's rows are new.
SAMPLE = 1000
#: Files at least this large are parsed by a second process (see background.py) when
#: a core is free for it; below it, starting one costs more than it saves.
BACKGROUND_MIN_BYTES = 20_000_000


#: What a PostgreSQL import vacuums and analyzes once it has committed.
SETTLED_TABLES = ("place", "search_address_term")


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    file: str
    format: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    marked_historical: int = 0
    deletes_not_found: int = 0
    successors: int = 0
    repointed: list[Repointing] = field(default_factory=list)
    unresolved_successors: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    seconds: float = 0.0
    #: Whether a second process parsed the file (see ``import_gazetteer``).
    parsed_in_background: bool = False
    #: Whether place's indexes and search vocabulary were built once at the end
    #: instead of kept up row by row (see ``import_gazetteer``).
    upkeep_deferred: bool = False

    @property
    def ok(self) -> bool:
        """True when the file was imported (no bad rows)."""
        return not self.errors

    @property
    def written(self) -> int:
        """Places the import inserted, changed or deleted."""
        return self.inserted + self.updated + self.deleted + self.marked_historical

    @property
    def bad_rows(self) -> int:
        return len(self.errors) + self.more_errors

    def summary(self) -> str:
        if not self.ok:
            return f"{self.file}: {self.bad_rows} bad rows; nothing was written."
        return (
            f"{self.file}: {self.rows} rows in {self.seconds:.1f} s; {self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.deleted} deleted, "
            f"{self.marked_historical} marked historical, "
            f"{len(self.repointed)} current addresses re-pointed."
        )

    def add_error(self, error: RowError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.more_errors += 1


async def import_gazetteer(
    database: Database,
    path: str | Path,
    fmt: str,
    *,
    progress: Progress | None = None,
    today: date | None = None,
    background: bool | None = None,
    defer_upkeep: bool | None = None,
) -> ImportReport:
    """Import ``path`` (in format ``fmt``, a key of FORMATS) in one transaction.

    ``progress`` is called now and then with the number of bytes read (perhaps from
    another thread than the caller's, never two calls at once). When any row is
    bad nothing is written and ``report.errors`` says where and why. ``background``
    parses the file in a second process while this one writes; by default large files
    are when a core is free for it (see ``_a_core_is_free``). The outcome is the same
    either way. ``defer_upkeep`` drops place's secondary indexes and search upkeep for
    the import and builds them once at the end; by default a large import does (see
    ``_defer_upkeep``). The outcome is the same either way; on PostgreSQL a deferred
    import locks readers out of ``place`` until it ends (see docs/gazetteer.md).
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise PdmsError(f"unknown gazetteer format {fmt!r}; one of {', '.join(FORMATS)}")
    path = Path(path)
    if not path.is_file():
        raise PdmsError(f"{path} is not a file")
    report = ImportReport(path.name, fmt)
    started = time.perf_counter()
    note = f"by gazetteer import of {path.name} on {(today or date.today()).isoformat()}"
    if background is None:
        background = path.stat().st_size >= BACKGROUND_MIN_BYTES and _a_core_is_free()
    report.parsed_in_background = background
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        try:
            work = _Import(connection, spec, report, path, defer_upkeep)
            await work.run(progress, note, background)
        except BaseException:
            await transaction.rollback()
            raise
        if report.ok:
            await transaction.commit()
        else:
            await transaction.rollback()
    if report.ok and database.backend == "postgresql" and report.written:
        # Merge the search indexes' pending lists now (see settle_after_bulk_load):
        # place search on a fresh vocabulary could otherwise take seconds.
        await settle_after_bulk_load(database, SETTLED_TABLES)
    report.seconds = time.perf_counter() - started
    return report


def _a_core_is_free() -> bool:
    """Whether a parser process would have a core to itself.

    Parsing in a second process adds work (sending every row across, starting an
    interpreter) in exchange for running beside the writer, which pays only on a free
    core: on a 2-core machine already busy with other work, a million-row import in one
    process was measured 20 % faster than with a parser process.
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not measurable here
        return False
    return load <= (os.cpu_count() or 1) - 1


_change = itemgetter(1)
_missing = itemgetter(3)


def _complete_writes_only(chunk: list) -> bool:
    """Whether every item of ``chunk`` is a complete place to insert or update (C loops)."""
    return (
        set(map(type, chunk)) == {PlaceRecord}
        and DELETE not in map(_change, chunk)
        and not any(map(_missing, chunk))
    )


class _Rejected(Exception):
    """Bad rows were found: leave without finishing deferred work; the caller rolls back."""


async def _defer_upkeep(connection: AsyncConnection, path: Path, first: list[int]) -> bool:
    """Whether building place's indexes and search vocabulary once, at the end, will
    beat keeping them up row by row. ``first`` is the first batch's UPRNs.

    Upkeep costs about ``UPKEEP_COST`` per new row, a rebuild about ``REBUILD_COST``
    per row of the whole table: a full supply into an empty table gains several times
    over, a small change-only update into a big table would lose. The rows the file
    adds are estimated from its size and the share of the first batch's UPRNs that are
    not stored yet, so a re-import of a full supply that is mostly unchanged (whose
    rows cost no upkeep: an unchanged place is not written) keeps the indexes.
    """
    backend = connection.dialect.name
    rows = path.stat().st_size / BYTES_PER_ROW
    if rows < DEFER_MIN_ROWS:
        return False
    stored = (await connection.exec_driver_sql("SELECT count(*) FROM place")).scalar_one()
    added = rows
    if stored:
        sample = first[:SAMPLE]
        known = await connection.scalar(
            select(func.count()).select_from(Place).where(Place.uprn.in_(sample))
        )
        added = rows * (len(sample) - known) / len(sample)
    return added * UPKEEP_COST[backend] > (stored + added) * REBUILD_COST[backend]


class _Import:
    def __init__(
        self,
        connection: AsyncConnection,
        spec: GazetteerFormat,
        report: ImportReport,
        path: Path,
        defer_upkeep: bool | None,
    ):
        self.connection = connection
        self.spec = spec
        self.report = report
        self.writer = writer_for(connection)
        self.completer = Completer(connection, spec.pao_column, spec.street_column)
        self.batch: list[PlaceRecord] = []
        self.partial: list[PlaceRecord] = []
        self.path = path
        #: Whether to defer the upkeep of place's indexes; None: decide at the first batch.
        self.defer_upkeep = defer_upkeep
        self.upkeep_decided = False
        self.upkeep = contextlib.AsyncExitStack()
        #: Rows per batch written.
        self.size = BATCH

    async def run(self, progress: Progress | None, note: str, background: bool) -> None:
        if background:
            chunks = chunks_in_background(self.spec.name, self.path, progress)
            self.size = BACKGROUND_BATCH
        else:
            parse = self.spec.parse(self.path, progress)
            if self.connection.dialect.name == "postgresql":
                # So that each COPY streams to the server while the next batch is parsed.
                # SQLite's writes have a thread of their own already (aiosqlite's); a
                # third thread there only adds switching (measured: 1M rows, 3 % more CPU).
                chunks = chunks_in_thread(parse)
            else:
                chunks = _as_async(chunks_in_process(parse))
        try:
            with fewer_collections():
                async with self.upkeep, contextlib.aclosing(chunks):
                    await self._run(chunks, note)
                    if self.report.errors:
                        raise _Rejected  # no index rebuild for a rolled-back import
        except _Rejected:
            pass
        finally:
            # Never leave a batch running on a connection that is about to roll back.
            with contextlib.suppress(Exception):
                await self.writer.drain()

    async def _run(self, chunks: AsyncIterator[list], note: str) -> None:
        report, batch, size = self.report, self.batch, self.size
        deletes: dict[int, int] = {}  # UPRN -> line
        successors: list[SuccessorRecord] = []
        await self.writer.start()
        # The hot loop of a million-row file: keep it flat.
        async for chunk in chunks:
            if not (report.errors or deletes) and _complete_writes_only(chunk):
                # A full supply's chunks are all like this: taken whole.
                report.rows += len(chunk)
                batch += chunk
                if len(batch) >= size:
                    await self._write()
                continue
            for item in chunk:
                kind = type(item)
                if kind is PlaceRecord:
                    report.rows += 1
                    if report.errors and not item.missing:
                        continue  # still reading, to report every bad row
                    uprn = item.values[0]
                    if item.change == DELETE:
                        deletes[uprn] = item.line
                        continue
                    if deletes and uprn in deletes:
                        del deletes[uprn]  # deleted, then inserted again later in the file
                    if item.missing:
                        self.partial.append(item)
                        if len(self.partial) >= PARTIAL_BATCH:
                            await self._complete()
                    else:
                        batch.append(item)
                        if len(batch) >= size:
                            await self._write()
                elif kind is SuccessorRecord:
                    report.successors += 1
                    successors.append(item)
                else:
                    report.add_error(item)
        if self.partial:
            await self._complete()
        if report.errors:
            return
        await self._write()
        report.inserted, report.updated, report.unchanged = await self.writer.finish()
        retired = await retire(self.connection, deletes, successors, note)
        report.deleted = retired.deleted
        report.marked_historical = retired.historical
        report.deletes_not_found = retired.deletes_not_found
        report.repointed = retired.repointed
        report.unresolved_successors = retired.unresolved

    async def _write(self) -> None:
        if self.batch:
            if not self.upkeep_decided:
                await self._decide_upkeep()
            await self.writer.write(self.batch)
            self.batch.clear()

    async def _decide_upkeep(self) -> None:
        """Before the first batch is written: whether to defer place's upkeep."""
        self.upkeep_decided = True
        defer = self.defer_upkeep
        if defer is None:
            defer = await _defer_upkeep(
                self.connection, self.path, [r.values[0] for r in self.batch]
            )
        if defer:
            # Left in reverse, on a normal exit: the search objects are brought up to
            # date first (they read the table), then the indexes are built.
            await self.upkeep.enter_async_context(
                secondary_indexes_deferred(self.connection, "place")
            )
            await self.upkeep.enter_async_context(
                search_indexing_deferred(self.connection, "place")
            )
            self.report.upkeep_deferred = True

    async def _complete(self) -> None:
        await self.writer.drain()  # the completer's queries need the connection
        partial, self.partial = self.partial, []
        for done in await self.completer.complete(partial):
            if isinstance(done, RowError):
                self.report.add_error(done)
            elif not self.report.errors:
                self.batch.append(done)
        if len(self.batch) >= self.size and not self.report.errors:
            await self._write()


async def _as_async(chunks: Iterator[list]) -> AsyncIterator[list]:
    for chunk in chunks:
        yield chunk
