"""Read a gazetteer CSV row by row, with line numbers and bytes-read progress.

AddressBase and DTF files are UTF-8 (Welsh names need it), quoted with doubled quotes,
CRLF-terminated, and can be several gigabytes, so rows are streamed and never held.
A row that is not valid CSV is reported and reading goes on; text that is not UTF-8
stops the file, since nothing after it can be trusted to line up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from pdms_core.gazetteer.records import RowError

#: Called with the number of bytes read so far.
Progress = Callable[[int], None]

#: Report progress every this many rows: often enough for a smooth bar, rarely
#: enough to cost nothing.
PROGRESS_EVERY = 4096


def read_rows(
    path: Path, progress: Progress | None = None
) -> Iterator[tuple[int, list[str]] | RowError]:
    """(line number, fields) per non-blank row, or a RowError for an unreadable one.

    The line number is that of the row's last physical line, which is the row's own
    line unless a quoted field spans lines.
    """
    with open(path, "rb") as raw:
        # utf-8-sig: spreadsheet tools often add a byte-order mark; it is not data.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        count = 0
        while True:
            try:
                for row in reader:
                    count += 1
                    if progress is not None and count % PROGRESS_EVERY == 0:
                        progress(raw.tell())
                    if row:
                        yield reader.line_num, row
                break
            except csv.Error as exc:
                yield RowError(reader.line_num, None, f"not valid CSV: {exc}")
            except UnicodeDecodeError:
                yield RowError(
                    reader.line_num + 1, None, "not UTF-8 text; the rest of the file was not read"
                )
                break
        if progress is not None:
            progress(raw.tell())


def is_header(row: list[str], first_column: str) -> bool:
    """Whether ``row`` is a header row naming ``first_column`` first."""
    return bool(row) and row[0].strip().upper() == first_column.upper()
