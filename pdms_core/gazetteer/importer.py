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
import gc
import os
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.db.bulk_indexes import secondary_indexes_deferred
from pdms_core.db.engine import Database
from pdms_core.db.search_bulk import search_indexing_deferred
from pdms_core.errors import PdmsError
from pdms_core.gazetteer.background import chunks_in_background, chunks_in_process
from pdms_core.gazetteer.completion import Completer
from pdms_core.gazetteer.formats import FORMATS, GazetteerFormat
from pdms_core.gazetteer.reader import Progress
from pdms_core.gazetteer.records import DELETE, PlaceRecord, RowError, SuccessorRecord
from pdms_core.gazetteer.retire import Repointing, retire
from pdms_core.gazetteer.writers import writer_for

MAX_ERRORS = 1000
#: Rows per executemany / COPY: large enough that per-call costs vanish, small
#: enough that a batch of tuples stays a few tens of megabytes.
BATCH = 20_000
#: Partial records completed per database lookup.
PARTIAL_BATCH = 1000
#: When to rebuild SQLite's search index once instead of row by row (measured; see
#: ``_defer_search_upkeep``): seconds per row, and file bytes per place (AddressBase
#: Plus; multi-record files have more, which only makes deferring likelier).
TRIGGER_COST = 60e-6
REBUILD_COST = 3e-6
BYTES_PER_ROW = 250
DEFER_MIN_ROWS = 10_000
#: Files at least this large are parsed by a second process (see background.py) when
#: a core is free for it; below it, starting one costs more than it saves.
BACKGROUND_MIN_BYTES = 20_000_000


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

    @property
    def ok(self) -> bool:
        """True when the file was imported (no bad rows)."""
        return not self.errors

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
) -> ImportReport:
    """Import ``path`` (in format ``fmt``, a key of FORMATS) in one transaction.

    ``progress`` is called now and then with the number of bytes read. When any row is
    bad nothing is written and ``report.errors`` says where and why. ``background``
    parses the file in a second process while this one writes; by default large files
    are when a core is free for it (see ``_a_core_is_free``). The outcome is the same
    either way.
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
            await _Import(connection, spec, report).run(path, progress, note, background)
        except BaseException:
            await transaction.rollback()
            raise
        if report.ok:
            await transaction.commit()
        else:
            await transaction.rollback()
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


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while importing.

    Every row allocates a few dozen objects, none of them in reference cycles, so the
    default threshold (a collection every 700 allocations) spends a fifth of the
    parsing time finding nothing. Memory is unaffected: reference counting frees rows.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(100_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


class _Rejected(Exception):
    """Bad rows were found: leave without finishing deferred work; the caller rolls back."""


async def _defer_search_upkeep(connection: AsyncConnection, path: Path) -> bool:
    """Whether rebuilding the search index once will beat keeping it up row by row.

    Only SQLite keeps it up row by row (PostgreSQL's upkeep is per statement). Upkeep
    costs about ``TRIGGER_COST`` per written row, a rebuild about ``REBUILD_COST`` per
    row of the whole table: a full supply into an empty table gains several times
    over, a small change-only update into a big table would lose.
    """
    if connection.dialect.name != "sqlite":
        return False
    written = path.stat().st_size / BYTES_PER_ROW
    if written < DEFER_MIN_ROWS:
        return False
    stored = (await connection.exec_driver_sql("SELECT count(*) FROM place")).scalar_one()
    return written * TRIGGER_COST > (stored + written) * REBUILD_COST


class _Import:
    def __init__(self, connection: AsyncConnection, spec: GazetteerFormat, report: ImportReport):
        self.connection = connection
        self.spec = spec
        self.report = report
        self.writer = writer_for(connection)
        self.completer = Completer(connection, spec.pao_column, spec.street_column)
        self.batch: list[PlaceRecord] = []
        self.partial: list[PlaceRecord] = []

    async def run(self, path: Path, progress: Progress | None, note: str, background: bool) -> None:
        upkeep = contextlib.AsyncExitStack()
        if await _defer_search_upkeep(self.connection, path):
            # Everything kept up row by row is rebuilt once, search index first.
            await upkeep.enter_async_context(secondary_indexes_deferred(self.connection, "place"))
            await upkeep.enter_async_context(search_indexing_deferred(self.connection, "place"))
        if background:
            chunks = chunks_in_background(self.spec.name, path, progress)
        else:
            chunks = _as_async(chunks_in_process(self.spec.parse(path, progress)))
        try:
            with _fewer_collections():
                async with upkeep, contextlib.aclosing(chunks):
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
        report, batch = self.report, self.batch
        deletes: dict[int, int] = {}  # UPRN -> line
        successors: list[SuccessorRecord] = []
        await self.writer.start()
        # The hot loop of a million-row file: keep it flat.
        async for chunk in chunks:
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
                        if len(batch) >= BATCH:
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
            await self.writer.write(self.batch)
            self.batch.clear()

    async def _complete(self) -> None:
        await self.writer.drain()  # the completer's queries need the connection
        partial, self.partial = self.partial, []
        for done in await self.completer.complete(partial):
            if isinstance(done, RowError):
                self.report.add_error(done)
            elif not self.report.errors:
                self.batch.append(done)
        if len(self.batch) >= BATCH and not self.report.errors:
            await self._write()


async def _as_async(chunks: Iterable[list]) -> AsyncIterator[list]:
    for chunk in chunks:
        yield chunk
