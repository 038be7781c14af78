"""A scratch SQLite file that brings together the records of one UPRN.

In a multi-record file the BLPU, LPIs and classification of a UPRN can be anywhere
(OS files are grouped by record type, so they are usually far apart), and a national
supply has tens of millions of records: holding them in dictionaries would not fit in
memory. They go into an on-disk SQLite file instead, keyed by UPRN (streets by USRN),
and one ordered join reads each UPRN's records back together. Memory stays at SQLite's
page cache plus one insert batch, whatever the size of the file.

The file is private to one parse and is deleted afterwards; it needs no durability, so
journaling and syncing are off.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

BATCH = 5000

_SCHEMA = (
    "CREATE TABLE street (usrn INTEGER PRIMARY KEY, rank INTEGER, data BLOB)",
    "CREATE TABLE blpu (uprn INTEGER PRIMARY KEY, line INTEGER, change TEXT, data BLOB)",
    "CREATE TABLE lpi (uprn INTEGER PRIMARY KEY, rank INTEGER, line INTEGER, change TEXT,"
    " usrn INTEGER, data BLOB)",
    "CREATE TABLE class (uprn INTEGER PRIMARY KEY, rank INTEGER, line INTEGER, change TEXT,"
    " code TEXT)",
)

# The best record of each key wins: the lowest rank, and among equals the later line
# (in a change-only file, a later record is a later change).
_INSERTS = {
    "street": "INSERT INTO street VALUES (?, ?, ?) ON CONFLICT (usrn) DO UPDATE SET"
    " rank = excluded.rank, data = excluded.data WHERE excluded.rank <= street.rank",
    "blpu": "INSERT OR REPLACE INTO blpu VALUES (?, ?, ?, ?)",
    "lpi": "INSERT INTO lpi VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uprn) DO UPDATE SET"
    " rank = excluded.rank, line = excluded.line, change = excluded.change,"
    " usrn = excluded.usrn, data = excluded.data WHERE excluded.rank <= lpi.rank",
    "class": "INSERT INTO class VALUES (?, ?, ?, ?, ?) ON CONFLICT (uprn) DO UPDATE SET"
    " rank = excluded.rank, line = excluded.line, change = excluded.change,"
    " code = excluded.code WHERE excluded.rank <= class.rank",
}

_COMBINED = """
SELECT u.uprn, b.line, b.change, b.data, l.line, l.change, l.usrn, l.data, s.data,
       c.line, c.change, c.code
FROM (SELECT uprn FROM blpu UNION SELECT uprn FROM lpi UNION SELECT uprn FROM class) AS u
LEFT JOIN blpu AS b ON b.uprn = u.uprn
LEFT JOIN lpi AS l ON l.uprn = u.uprn
LEFT JOIN street AS s ON s.usrn = l.usrn
LEFT JOIN class AS c ON c.uprn = u.uprn
ORDER BY u.uprn
"""


class Scratch:
    """The scratch file; use as a context manager."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="pdms-gazetteer-")
        self._db = sqlite3.connect(Path(self._folder.name) / "scratch.sqlite3")
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-32000"):
            self._db.execute(f"PRAGMA {pragma}")
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _INSERTS}

    def __enter__(self) -> Scratch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._db.close()
        self._folder.cleanup()

    def street(self, usrn: int, rank: int, data: dict[str, Any]) -> None:
        self._add("street", (usrn, rank, orjson.dumps(data)))

    def blpu(self, uprn: int, line: int, change: str, data: dict[str, Any]) -> None:
        self._add("blpu", (uprn, line, change, orjson.dumps(data)))

    def lpi(
        self, uprn: int, rank: int, line: int, change: str, usrn: int | None, data: dict[str, Any]
    ) -> None:
        self._add("lpi", (uprn, rank, line, change, usrn, orjson.dumps(data)))

    def classification(self, uprn: int, rank: int, line: int, change: str, code: str) -> None:
        self._add("class", (uprn, rank, line, change, code))

    def _add(self, table: str, row: tuple[Any, ...]) -> None:
        pending = self._pending[table]
        pending.append(row)
        if len(pending) >= BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        # Each batch keeps file order, so "the later line wins" holds across batches.
        self._db.executemany(_INSERTS[table], self._pending[table])
        self._pending[table].clear()

    def combined(self) -> Iterator[tuple[Any, ...]]:
        """Per UPRN, in UPRN order: (uprn, blpu line, change, data, lpi line, change, usrn,
        data, street data, class line, change, code); parts the file lacks are None."""
        for table in self._pending:
            self._flush(table)
        for row in self._db.execute(_COMBINED):
            yield (
                *row[:3],
                _loads(row[3]),
                *row[4:7],
                _loads(row[7]),
                _loads(row[8]),
                *row[9:],
            )


def _loads(data: bytes | None) -> dict[str, Any] | None:
    return None if data is None else orjson.loads(data)
