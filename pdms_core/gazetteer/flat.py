"""One row, one place: the shared machinery of the flat formats.

AddressBase Plus and the simple format both carry a complete place per row; they differ
only in column names and order. A :class:`FlatLayout` maps a file's columns onto
:data:`PLACE_COLUMNS` once.

Each row is read twice over only when it needs to be. The fast path does the per-column
work in C loops (``map`` over the columns): most AddressBase fields are empty or repeat
(streets, towns, postcodes, codes, house numbers), so a field's text is looked up among
the texts the column has already converted, and only new text goes through its
converter; coordinates, which hardly repeat, are converted with ``float`` and checked
against their bounds in one go. A row the fast path has any doubt about (a delete, a
new text that does not convert, an empty coordinate, an address without a street) is
read again by the careful path, one converter at a time in the documented order, which
is what reports the first problem of a bad row. Both paths give the same values.

A file of nothing but such rows (a full AddressBase Plus supply) goes faster still
through ``parse_many``: a run of rows is turned into columns, and each column is
looked up, converted or checked in one C loop over the whole run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import compress, repeat
from math import isfinite
from operator import getitem, is_, itemgetter
from typing import NamedTuple

from pdms_core.gazetteer import fields
from pdms_core.gazetteer.addressing import (
    ADDRESS_LIMIT,
    check_addressable,
    check_grid_pair,
    format_address,
    single_line_of,
)
from pdms_core.gazetteer.records import (
    ADDRESS_INDEX,
    COLUMN_INDEX,
    DELETE,
    INSERT,
    PLACE_COLUMNS,
    UPDATE,
    UPRN_INDEX,
    FieldError,
    Part,
    PlaceRecord,
    RowError,
)

Converter = fields.Converter
text = fields.text

#: Converted texts remembered per column, at most. Files come sorted by UPRN, which
#: keeps streets, postcodes and buildings together, so a column forgets everything
#: when it is full and fills up with the texts of the part of the file it is in.
CACHE_LIMIT = 50_000
#: The fast path appends the address last.
assert len(PLACE_COLUMNS) - 1 == ADDRESS_INDEX
_WRITES = frozenset((INSERT, UPDATE))
_record = PlaceRecord._make
_STREET = COLUMN_INDEX["street"]
_PAO_NUMBER = COLUMN_INDEX["pao_start_number"]
_PAO_TEXT = COLUMN_INDEX["pao_text"]
#: Marks, in a row's looked-up values, a text its column has not converted yet.
_NEW = object()


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
        # The careful path: a copy of the template (constants filled in), then one
        # converter call per column the file has; the few columns with a fallback are
        # kept apart so the common loop has no test for one.
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
        self._prepare_fast_path()

    def _prepare_fast_path(self) -> None:
        looked_up = [d for d in self._direct if not hasattr(d[2], "bounds")]
        numbers = [d for d in self._direct if hasattr(d[2], "bounds")]
        looked_up += [(i, p, c, n) for i, p, _, c, n in self._with_fallback]
        # A column with a fallback is read from its source, once the fallback's text
        # has been copied into it where it is empty.
        self._looked_up_raw = _getter([position for _, position, _, _ in looked_up])
        self._fallbacks = tuple((p, f) for _, p, f, _, _ in self._with_fallback)
        self._seen = tuple({} for _ in looked_up)
        self._new_markers = (_NEW,) * len(looked_up)
        self._looked_up = tuple((convert, column) for _, _, convert, column in looked_up)
        self._numbers_raw = _getter([position for _, position, _, _ in numbers])
        self._numbers = tuple((convert, column) for _, _, convert, column in numbers)
        self._bounds = tuple(convert.bounds for _, _, convert, _ in numbers)
        # A row's values are gathered as [looked-up..., numbers..., uprn, template...]
        # and put in PLACE_COLUMNS order (all but the address) by one itemgetter.
        supplied = [index for index, *_ in looked_up] + [index for index, *_ in numbers]
        supplied.append(UPRN_INDEX)
        self._rest = [
            value
            for index, value in enumerate(self._template[:ADDRESS_INDEX])
            if index not in supplied
        ]
        order = supplied + [i for i in range(ADDRESS_INDEX) if i not in supplied]
        self._in_place_order = itemgetter(*(order.index(i) for i in range(ADDRESS_INDEX)))
        # parse_many's: where each converted column comes from, and the constants.
        fallbacks = {index: fallback for index, _, fallback, _, _ in self._with_fallback}
        self._column_sources = tuple(
            (index, position, fallbacks.get(index)) for index, position, _, _ in looked_up
        )
        self._number_sources = tuple((index, position) for index, position, _, _ in numbers)
        self._constants = tuple(
            (index, value)
            for index, value in enumerate(self._template[:ADDRESS_INDEX])
            if index not in supplied
        )

    def parse_many(self, items: Sequence[tuple[int, list[str]]]) -> list[PlaceRecord | RowError]:
        """``parse`` of each (line, row), the same records, column by column when it can.

        A run of ordinary rows (a full supply is nothing else) is converted a column at
        a time, each in one C loop over the run: per row, only the BS 7666 line is
        Python. A run with anything unusual in it goes row by row, through ``parse``.
        """
        if not self._missing:
            try:
                records = self._many_quickly(items)
            except (FieldError, ValueError):
                records = None
            if records is not None:
                return records
        return [self.parse(line, row) for line, row in items]

    def _many_quickly(self, items: Sequence[tuple[int, list[str]]]) -> list | None:
        """The records of ``items``, when every row would take the fast path, else None.

        The same tests as ``_values_quickly``, made on whole columns.
        """
        lines, rows = zip(*items, strict=True)
        if set(map(len, rows)) != {self.width}:
            return None
        columns = list(zip(*rows, strict=True))
        changes = columns[self._change[0]]
        raw = columns[self._uprn[0]]
        # Each UPRN non-empty, ASCII digits only, at most 12 of them, and not 0.
        joined = "".join(raw)
        if not (all(raw) and joined.isascii() and joined.isdigit()):
            return None
        if not _WRITES.issuperset(changes) or max(map(len, raw)) > 12:
            return None
        uprns = list(map(int, raw))
        if not min(uprns):
            return None
        # Every column in PLACE_COLUMNS order (all but the address).
        place: list = [None] * ADDRESS_INDEX
        place[UPRN_INDEX] = uprns
        for index, value in self._constants:
            place[index] = [value] * len(rows)
        for (index, source, fallback), seen, (convert, column) in zip(
            self._column_sources, self._seen, self._looked_up, strict=True
        ):
            texts = columns[source]
            if fallback is not None:
                texts = [
                    text or other for text, other in zip(texts, columns[fallback], strict=True)
                ]
            try:
                place[index] = list(map(seen.__getitem__, texts))
            except KeyError:
                new = set(texts).difference(seen)
                if len(seen) + len(new) > CACHE_LIMIT:
                    seen.clear()  # start again with the texts of this part of the file
                    new = set(texts)
                seen.update(zip(new, [convert(text, column) for text in new], strict=True))
                place[index] = list(map(seen.__getitem__, texts))
        for (index, position), (low, high) in zip(self._number_sources, self._bounds, strict=True):
            texts = columns[position]
            if not all(texts):
                return None  # an empty coordinate: the careful path checks they come in pairs
            numbers = list(map(float, texts))
            # Finite (a NaN or infinity makes the sum one), then within the bounds.
            if not (isfinite(sum(numbers)) and low <= min(numbers) and max(numbers) <= high):
                return None
            place[index] = numbers
        # check_addressable: a street, and a PAO number or PAO text.
        if None in place[_STREET] or None in compress(
            place[_PAO_TEXT], map(is_, place[_PAO_NUMBER], repeat(None))
        ):
            return None
        addresses = list(map(single_line_of, zip(*place, strict=True)))
        if max(map(len, addresses)) > ADDRESS_LIMIT:
            return None
        values = zip(*place, addresses, strict=True)
        missing = repeat(self._missing)  # () here
        return list(map(_record, zip(lines, changes, values, missing, strict=False)))

    def parse(self, line: int, row: list[str]) -> PlaceRecord | RowError:
        """The place in ``row``, or why it cannot be imported."""
        if len(row) != self.width:
            return RowError(line, None, f"expected {self.width} columns, found {len(row)}")
        change = row[self._change[0]]
        if change in _WRITES:
            try:
                values = self._values_quickly(row)
            except (FieldError, ValueError):
                values = None
            if values is not None:
                # _make: tuple.__new__ itself, a third of the cost of PlaceRecord(...)
                return _record((line, change, values, self._missing))
        return self._parse_carefully(line, row)

    def _values_quickly(self, row: list[str]) -> tuple | None:
        """The row's values when nothing about it is unusual, else None (or a raise).

        Fills each empty column that has a fallback with its fallback's text, in
        ``row`` itself (the careful path reads them the same way).
        """
        raw = row[self._uprn[0]]
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
            return None
        uprn = int(raw)
        if uprn == 0:
            return None
        for source, fallback in self._fallbacks:
            if not row[source]:
                row[source] = row[fallback]
        texts = self._looked_up_raw(row)
        try:
            gathered = list(map(getitem, self._seen, texts))
        except KeyError:
            gathered = self._convert_new(texts)
        numbers = self._numbers_raw(row)
        if not all(numbers):
            return None  # an empty coordinate: the careful path checks they come in pairs
        converted = list(map(float, numbers))  # a ValueError: the careful path says why
        # A plain loop: cheaper than two all(map(...)) for a handful of numbers.
        for number, (low, high) in zip(converted, self._bounds, strict=True):
            if not low <= number <= high:
                return None
        gathered += converted
        gathered.append(uprn)
        gathered += self._rest
        values = self._in_place_order(gathered)
        if self._missing:
            return (*values, None)
        check_addressable(values, "", "")
        address = single_line_of(values)
        if len(address) > ADDRESS_LIMIT:
            return None
        return (*values, address)

    def _convert_new(self, texts: tuple[str, ...]) -> list:
        """Look up each text, converting (and remembering) the new ones; raises FieldError.

        Most of a row's texts are known even when one is not, so all are looked up in
        one C loop and only the new ones are converted, found by their marker.
        """
        gathered = list(map(dict.get, self._seen, texts, self._new_markers))
        at = gathered.index(_NEW)
        while True:
            seen, raw = self._seen[at], texts[at]
            convert, column = self._looked_up[at]
            value = convert(raw, column)
            if len(seen) >= CACHE_LIMIT:
                seen.clear()  # start again with the texts of this part of the file
            seen[raw] = value
            gathered[at] = value
            try:
                at = gathered.index(_NEW, at + 1)
            except ValueError:
                return gathered

    def _parse_carefully(self, line: int, row: list[str]) -> PlaceRecord | RowError:
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


def _getter(positions: list[int]):  # type: ignore[no-untyped-def]
    """An itemgetter that always returns a tuple, even of one item or none."""
    if not positions:
        return lambda _row: ()
    if len(positions) == 1:
        position = positions[0]
        return lambda row: (row[position],)
    return itemgetter(*positions)
