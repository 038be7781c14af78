"""One row, one place: the shared machinery of the flat formats.

AddressBase Plus and the simple format both carry a complete place per row; they differ
only in column names and order. A :class:`FlatLayout` maps a file's columns onto
:data:`PLACE_COLUMNS` once, so the per-row work is a short loop of converter calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from pdms_core.gazetteer import fields
from pdms_core.gazetteer.addressing import check_addressable, check_grid_pair, format_address
from pdms_core.gazetteer.records import (
    COLUMN_INDEX,
    DELETE,
    PLACE_COLUMNS,
    UPRN_INDEX,
    FieldError,
    Part,
    PlaceRecord,
    RowError,
)

Converter = fields.Converter
text = fields.text


class Field(NamedTuple):
    """Where a place column comes from in a flat file."""

    source: str  # the file's column name
    convert: Converter
    fallback: str | None = None  # read this column instead when ``source`` is empty


def constant(value: object) -> Converter:
    """A converter that ignores the file (a value the format implies)."""
    return lambda _value, _name: value


class FlatLayout:
    """Turns rows of one flat file into place records."""

    def __init__(
        self,
        file_columns: Sequence[str],
        mapping: Mapping[str, Field],
        *,
        uprn: str,
        change: str,
        names: Mapping[str, str],
    ):
        """``names`` gives the file's names for ``pao``, ``street``, ``easting``, ``northing``."""
        position = {name: index for index, name in enumerate(file_columns)}
        self.width = len(file_columns)
        self._uprn = (position[uprn], uprn)
        self._change = (position[change], change)
        self._names = names
        # Per row: a copy of the template (constants filled in), then one converter call
        # per column the file has; the few columns with a fallback are kept apart so
        # the common loop has no test for one.
        self._template: list = [None] * len(PLACE_COLUMNS)
        self._direct = []
        self._with_fallback = []
        for place_column, field in mapping.items():
            index = COLUMN_INDEX[place_column]
            if not field.source:
                self._template[index] = field.convert("", "")
            elif field.source in position and field.fallback in position:
                self._with_fallback.append(
                    (index, position[field.source], position[field.fallback], field.convert,
                     field.source)
                )  # fmt: skip
            elif field.source in position:
                self._direct.append((index, position[field.source], field.convert, field.source))
        # Columns a file leaves out keep their stored values (the importer fills them in).
        absent = tuple(
            place_column
            for place_column, field in mapping.items()
            if field.source and field.source not in position
        )
        self._missing = (Part("columns not in the file", absent, False),) if absent else ()

    def parse(self, line: int, row: list[str]) -> PlaceRecord | RowError:
        """The place in ``row``, or why it cannot be imported."""
        if len(row) != self.width:
            return RowError(line, None, f"expected {self.width} columns, found {len(row)}")
        try:
            change = fields.change_type(row[self._change[0]], self._change[1])
            uprn = fields.uprn(row[self._uprn[0]], self._uprn[1])
            if change == DELETE:
                return PlaceRecord(line, change, (uprn,) + (None,) * (len(PLACE_COLUMNS) - 1))
            values = self._template.copy()
            values[UPRN_INDEX] = uprn
            for index, position, convert, column in self._direct:
                values[index] = convert(row[position], column)
            for index, position, fallback, convert, column in self._with_fallback:
                values[index] = convert(row[position] or row[fallback], column)
            names = self._names
            check_grid_pair(values, names["easting"], names["northing"])
            if self._missing:
                return PlaceRecord(line, change, tuple(values), self._missing)
            check_addressable(values, names["pao"], names["street"])
            return PlaceRecord(line, change, format_address(values))
        except FieldError as exc:
            return RowError(line, exc.column, exc.reason)
