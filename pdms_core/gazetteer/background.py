"""Parse a gazetteer file in a second process while this one writes to the database.

Parsing (CSV, checking every field, formatting addresses) and writing (binding rows
for SQLite, encoding them for COPY) each take about half of a large import, and both
are Python, so in one process they take turns at the interpreter lock. A child process
parses instead and sends its items back in chunks, in file order; the importer sees the
same items, line numbers and progress as when it parses them itself, and everything
that touches the database stays in its one transaction.

The child is a fresh interpreter (``python -m pdms_core.gazetteer.parser_process``), not a
fork: the importer runs in an event loop beside the database driver's threads, which a
fork would copy half-way, and multiprocessing's spawn would re-run the caller's main
module. Starting it costs about a second, so only large files are parsed this way (see
``importer.BACKGROUND_MIN_BYTES``). The child is never more than a few chunks ahead
(:data:`AHEAD`), so memory stays flat.

Files parsed in process are parsed on a thread of their own on PostgreSQL
(:func:`chunks_in_thread`), so that the event loop keeps streaming each COPY.

Messages on the child's stdout: an 8-byte length, then a pickle of
``(failure, bytes read, items)``; a length of 0 ends the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import os
import pickle
import struct
import sys
import traceback
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from pdms_core.errors import PdmsError
from pdms_core.gazetteer.reader import Progress
from pdms_core.gazetteer.records import PlaceRecord

#: Items per message: large enough that per-message costs vanish, small enough that
#: the child stays close behind the writer.
CHUNK = 5000
#: How far (bytes of messages, a few chunks) the child may get ahead of the writer
#: before it waits: enough to keep parsing while a batch is written.
AHEAD = 16 * 1024 * 1024
_LENGTH = struct.Struct("<Q")
_place = PlaceRecord._make


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while parsing and importing.

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


def chunks_in_process(parse: Iterator[object]) -> Iterator[list[object]]:
    """The parser's items in chunks, parsed here (for small files)."""
    items = iter(parse)
    while chunk := list(itertools.islice(items, CHUNK)):  # gathered in C
        yield chunk


async def chunks_in_thread(parse: Iterator[object]) -> AsyncIterator[list[object]]:
    """The parser's items in chunks, parsed by a thread of this process.

    Parsing holds the interpreter lock, but not for long at a stretch: the event loop
    gets it back every few milliseconds, which is what a COPY to PostgreSQL needs to
    stream its batch to the server while the next one is parsed (parsed on the loop's
    own thread, the COPY sat waiting until the next batch was ready). One thread, for
    every chunk: a parser may hold a connection to a scratch SQLite file, which must
    stay on the thread that opened it.
    """
    chunks = chunks_in_process(parse)
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(1, thread_name_prefix="gazetteer-parser") as thread:
        try:
            while (chunk := await loop.run_in_executor(thread, next, chunks, None)) is not None:
                yield chunk
        finally:
            # Closed on the thread it ran on (a parser's scratch file is closed there).
            await loop.run_in_executor(thread, chunks.close)


async def chunks_in_background(
    fmt: str, path: Path, progress: Progress | None
) -> AsyncIterator[list[object]]:
    """The items of ``path`` in format ``fmt``, parsed by a child process."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pdms_core.gazetteer.parser_process", fmt, str(path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        limit=AHEAD // 2,
    )  # fmt: skip
    assert child.stdout is not None
    try:
        while True:
            try:
                (length,) = _LENGTH.unpack(await child.stdout.readexactly(_LENGTH.size))
                if not length:
                    break
                message = await child.stdout.readexactly(length)
            except asyncio.IncompleteReadError:
                code = await child.wait()
                raise PdmsError(f"the gazetteer parser stopped (exit code {code})") from None
            failure, position, chunk = pickle.loads(message)
            if failure:
                raise PdmsError(f"the gazetteer parser failed:\n{failure}")
            if progress is not None:
                progress(position)
            yield [_place(item) if type(item) is tuple else item for item in chunk]
    finally:
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()  # stopped early (a database error): no need to read on
        await child.wait()


def _parse(fmt: str, path: Path, out: BinaryIO) -> None:
    """The child's work: every chunk as a message, then the end."""
    from pdms_core.gazetteer.formats import FORMATS

    position = 0

    def progress(read: int) -> None:
        nonlocal position
        position = read

    def send(failure: str | None, chunk: list[object]) -> None:
        # Place records travel as plain tuples, which pickle handles in C; a named
        # tuple would cost a Python call per row each way.
        plain = [tuple(item) if type(item) is PlaceRecord else item for item in chunk]
        message = pickle.dumps((failure, position, plain), pickle.HIGHEST_PROTOCOL)
        out.write(_LENGTH.pack(len(message)))
        out.write(message)

    try:
        for chunk in chunks_in_process(FORMATS[fmt].parse(path, progress)):
            send(None, chunk)
        send(None, [])  # the final position
    except Exception:
        send(traceback.format_exc(), [])
    out.write(_LENGTH.pack(0))
    out.flush()


def child_main(arguments: list[str]) -> None:
    """``python -m pdms_core.gazetteer.parser_process FORMAT PATH``."""
    # The messages get stdout to themselves; anything printed goes to stderr.
    messages = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    fmt, path = arguments
    # The parser process ran with the default threshold until 2026-12-07: 1.8 s of
    # CPU for 200,000 rows instead of 1.6 (it is the bottleneck of a background parse).
    with contextlib.suppress(BrokenPipeError), fewer_collections():
        _parse(fmt, Path(path), messages)
        messages.close()
