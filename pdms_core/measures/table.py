"""What every measure computes to: a small table of named, typed columns.

Core's measures and plugins' measures all return a :class:`MeasureTable`, so the
generic ``measure`` query, snapshots and CSV export treat them alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pdms_core.csv_export import csv_text

#: Kinds a column may have; they say how a cell is rendered and re-read from JSON.
COLUMN_KINDS = ("text", "integer", "number", "date")


@dataclass(frozen=True)
class MeasureColumn:
    """One column of a measure table.

    ``name`` is a stable snake_case key (used as the CSV header); ``title`` is what a
    dashboard shows; ``kind`` is one of ``text``, ``integer``, ``number`` or ``date``.
    """

    name: str
    title: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {COLUMN_KINDS}")


@dataclass(frozen=True)
class MeasureTable:
    """A measure's result: columns, and rows of cells in column order.

    Cells are ``str``, ``int``, ``float``, ``datetime.date`` or ``None``, matching the
    column's kind.

    Example::

        MeasureTable(
            columns=(
                MeasureColumn("colour", "Colour"),
                MeasureColumn("widgets", "Widgets", "integer"),
            ),
            rows=(("red", 3), ("green", 1)),
        )
    """

    columns: tuple[MeasureColumn, ...]
    rows: tuple[tuple[Any, ...], ...] = field(default=())

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"a row has {len(row)} cells for {width} columns: {row!r}")

    def to_csv(self) -> str:
        """The table as CSV (RFC 4180: a header of column names, CRLF line ends), with
        text that a spreadsheet would run as a formula neutralised (see csv_export)."""
        return csv_text([[column.name for column in self.columns], *self.rows])

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form, as snapshots store it (dates as ISO strings)."""
        return {
            "columns": [{"name": c.name, "title": c.title, "kind": c.kind} for c in self.columns],
            "rows": [
                [c.isoformat() if isinstance(c, date) else c for c in row] for row in self.rows
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeasureTable:
        """The table :meth:`to_json` wrote (dates come back as dates)."""
        columns = tuple(MeasureColumn(**column) for column in data["columns"])
        rows = tuple(
            tuple(
                date.fromisoformat(cell) if column.kind == "date" and cell is not None else cell
                for column, cell in zip(columns, row, strict=True)
            )
            for row in data["rows"]
        )
        return cls(columns=columns, rows=rows)


def render_cell(cell: Any) -> str:
    """A cell as text: empty for None, ISO dates, integers and floats as Python prints them."""
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def table(columns: Sequence[tuple[str, str, str]], rows: Sequence[Sequence[Any]]) -> MeasureTable:
    """Shorthand: ``table([("name", "Title", "kind"), ...], rows)``."""
    return MeasureTable(
        columns=tuple(MeasureColumn(*column) for column in columns),
        rows=tuple(tuple(row) for row in rows),
    )
