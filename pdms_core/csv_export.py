"""CSV for spreadsheets: every export writes its cells through here.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
and some strip a leading tab or carriage return first; so a lookup label or note
typed as ``=HYPERLINK("http://…","Click")`` would run on the computer of the officer
who opens the export (OWASP "CSV injection"). Such text cells get a leading single
quote, which spreadsheets show as text and do not evaluate.

Numbers are written as they are: they come from numeric columns, never from what a
user typed, and a negative balance ``-12.5`` must stay a number. Only ``int``,
``float`` and ``Decimal`` count, finite ones; text that looks like a number is text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

#: First characters that make a spreadsheet evaluate a cell (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One cell as text, safe to open in a spreadsheet.

    Empty for None, ISO for dates, ``true``/``false`` for booleans, numbers as Python
    prints them; any other text starting with a formula character gets a ``'`` first.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal) and math.isfinite(value):
        return str(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(file: TextIO, rows: Iterable[Sequence[Any]]) -> None:
    """Write ``rows`` (the header first, if any) as CSV: RFC 4180, CRLF line ends,
    every cell through :func:`csv_cell`. Open ``file`` with ``newline=""``."""
    writer = csv.writer(file, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """``rows`` as CSV text, as :func:`write_csv` writes it.

    Example::

        csv_text([("name", "balance"), ("=HYPERLINK(...)", -12.5)])
        # "name,balance\\r\\n'=HYPERLINK(...),-12.5\\r\\n"
    """
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue()
