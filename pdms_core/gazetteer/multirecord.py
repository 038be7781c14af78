"""AddressBase Premium and LLPG DTF 7.3: multi-record CSV, combined per UPRN.

A place is spread over several records: the BLPU (21) has its coordinates and status,
its LPIs (24) its address parts, the street descriptor (15, by USRN) its street, locality
and town, the classification (32) its use; successors (30) link retired UPRNs to new
ones. The parser reads the file once, checking every row and parking the records it
needs in a :class:`Scratch` file, then reads them back grouped by UPRN.

Of a UPRN's LPIs the English approved one is used (then provisional, alternative ...;
the official one first among equals). Records a change-only update leaves out are named
in ``PlaceRecord.missing``, and the importer keeps the stored values for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pdms_core.gazetteer import fields
from pdms_core.gazetteer.flat import Converter, text
from pdms_core.gazetteer.layouts import (
    BLPU,
    CLASSIFICATION,
    CLASSIFICATION_PART,
    DTF73_FORMAT,
    LPI,
    PREMIUM_FORMAT,
    STREET,
    STREET_PART,
    SUCCESSOR,
    Format,
)
from pdms_core.gazetteer.reader import Progress, read_rows
from pdms_core.gazetteer.records import (
    COLUMN_INDEX,
    DELETE,
    PLACE_COLUMNS,
    FieldError,
    Part,
    PlaceRecord,
    RowError,
    SuccessorRecord,
)
from pdms_core.gazetteer.scratch import Scratch

Item = PlaceRecord | SuccessorRecord | RowError

_BLPU_FIELDS: tuple[tuple[str, str, Converter], ...] = (
    ("parent_uprn", "PARENT_UPRN", fields.optional_uprn),
    ("easting", "X_COORDINATE", fields.easting),
    ("northing", "Y_COORDINATE", fields.northing),
    ("latitude", "LATITUDE", fields.latitude),
    ("longitude", "LONGITUDE", fields.longitude),
    ("logical_status", "LOGICAL_STATUS", fields.logical_status),
    ("blpu_state", "BLPU_STATE", fields.blpu_state),
    ("postcode", "POSTCODE_LOCATOR", fields.postcode),
    ("classification_code", "BLPU_CLASS", text("classification_code")),
    ("organisation", "ORGANISATION", text("organisation")),
    ("last_update_date", "LAST_UPDATE_DATE", fields.iso_date),
)
_LPI_FIELDS: tuple[tuple[str, str, Converter], ...] = (
    *(
        (name.lower(), name, fields.suffix if "SUFFIX" in name else fields.address_number)
        for name in (
            "SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX",
            "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX",
        )
    ),
    ("sao_text", "SAO_TEXT", text("sao_text")),
    ("pao_text", "PAO_TEXT", text("pao_text")),
    ("postcode", "POSTCODE", fields.postcode),
)  # fmt: skip
_STREET_FIELDS: tuple[tuple[str, str, Converter], ...] = (
    ("street", "STREET_DESCRIPTION", text("street")),
    ("locality", "LOCALITY_NAME", text("locality")),
    ("town", "TOWN_NAME", text("town")),
    ("administrative_area", "ADMINISTRATIVE_AREA", text("administrative_area")),
)
#: Which LPI to prefer, by LOGICAL_STATUS: approved, provisional, alternative, ...
_STATUS_RANK = {1: 0, 6: 1, 3: 2, 5: 3, 8: 4, 9: 5}
_CLASS_CODE = text("classification_code")


class _Row:
    """A row's fields by column name, for one record type's layout."""

    __slots__ = ("positions", "row")

    def __init__(self, row: list[str], positions: dict[str, int]):
        self.row = row
        self.positions = positions

    def __getitem__(self, column: str) -> str:
        return self.row[self.positions[column]]

    def convert(self, spec: tuple[tuple[str, str, Converter], ...]) -> dict[str, object]:
        return {
            target: convert(self[source], source)
            for target, source, convert in spec
            if source in self.positions
        }


def parse_premium(path: Path, progress: Progress | None = None) -> Iterator[Item]:
    """Every place and successor link in an AddressBase Premium file."""
    return _parse(path, PREMIUM_FORMAT, progress)


def parse_dtf73(path: Path, progress: Progress | None = None) -> Iterator[Item]:
    """Every place and successor link in an LLPG DTF 7.3 file."""
    return _parse(path, DTF73_FORMAT, progress)


def _parse(path: Path, fmt: Format, progress: Progress | None) -> Iterator[Item]:
    with Scratch() as scratch:
        yield from _collect(path, fmt, scratch, progress)
        yield from _combine(fmt, scratch)


def _collect(
    path: Path, fmt: Format, scratch: Scratch, progress: Progress | None
) -> Iterator[SuccessorRecord | RowError]:
    positions = {kind: {n: i for i, n in enumerate(cols)} for kind, cols in fmt.layouts.items()}
    for item in read_rows(path, progress):
        if isinstance(item, RowError):
            yield item
            continue
        line, row = item
        kind = row[0].strip()
        layout = fmt.layouts.get(kind)
        if layout is None:
            # Headers, metadata, trailers and records a place does not need are skipped;
            # only a row that is not a record at all is an error.
            if not (len(kind) == 2 and kind.isdigit()) and kind.upper() != "RECORD_IDENTIFIER":
                yield RowError(line, "RECORD_IDENTIFIER", f"not a record type: {kind!r}")
            continue
        if len(row) != len(layout):
            yield RowError(line, None, f"record {kind} has {len(layout)} columns, found {len(row)}")
            continue
        fields_ = _Row(row, positions[kind])
        try:
            change = fields.change_type(fields_["CHANGE_TYPE"], "CHANGE_TYPE")
            found = _HANDLERS[kind](scratch, line, change, fields_)
        except FieldError as exc:
            yield RowError(line, exc.column, exc.reason)
            continue
        if found is not None:
            yield found


def _street(scratch: Scratch, line: int, change: str, row: _Row) -> None:
    usrn = fields.usrn(row["USRN"], "USRN")
    if usrn is None:
        raise FieldError("USRN", "a USRN is required")
    data = row.convert(_STREET_FIELDS)
    if data["street"] is None:
        raise FieldError("STREET_DESCRIPTION", "a street description is required")
    # English first; a deleted descriptor only names a street nothing better names.
    rank = (row["LANGUAGE"].strip().upper() != "ENG") + 2 * (change == DELETE)
    scratch.street(usrn, rank, data)


def _blpu(scratch: Scratch, line: int, change: str, row: _Row) -> None:
    uprn = fields.uprn(row["UPRN"], "UPRN")
    if change == DELETE:
        scratch.blpu(uprn, line, change, {})
        return
    data = row.convert(_BLPU_FIELDS)
    for column, name in (("easting", "X_COORDINATE"), ("northing", "Y_COORDINATE")):
        if data[column] is None:
            raise FieldError(name, "a BLPU has coordinates")
    scratch.blpu(uprn, line, change, data)


def _lpi(scratch: Scratch, line: int, change: str, row: _Row) -> None:
    uprn = fields.uprn(row["UPRN"], "UPRN")
    if change == DELETE:
        return  # one LPI withdrawn; the place keeps its others, or its stored address
    status = fields.logical_status(row["LOGICAL_STATUS"], "LOGICAL_STATUS")
    usrn = fields.usrn(row["USRN"], "USRN")
    if usrn is None:
        raise FieldError("USRN", "an LPI is on a street; its USRN is required")
    data = row.convert(_LPI_FIELDS)
    english = row["LANGUAGE"].strip().upper() == "ENG"
    official = row["OFFICIAL_FLAG"].strip().upper() == "Y"
    rank = (not english) * 100 + _STATUS_RANK.get(status, 6) * 10 + (not official)
    scratch.lpi(uprn, rank, line, change, usrn, data)


def _classification(scratch: Scratch, line: int, change: str, row: _Row) -> None:
    uprn = fields.uprn(row["UPRN"], "UPRN")
    if change == DELETE:
        return
    code = _CLASS_CODE(row["CLASSIFICATION_CODE"], "CLASSIFICATION_CODE")
    if code is None:
        raise FieldError("CLASSIFICATION_CODE", "a classification code is required")
    # OS's own scheme over any other a council keeps.
    rank = "ADDRESSBASE" not in row["CLASS_SCHEME"].upper()
    scratch.classification(uprn, rank, line, change, code)


def _successor(scratch: Scratch, line: int, change: str, row: _Row) -> SuccessorRecord:
    uprn = fields.uprn(row["UPRN"], "UPRN")
    successor = fields.uprn(row["SUCCESSOR"], "SUCCESSOR")
    if successor == uprn:
        raise FieldError("SUCCESSOR", "a UPRN cannot succeed itself")
    return SuccessorRecord(line, change, uprn, successor)


_HANDLERS = {
    STREET: _street,
    BLPU: _blpu,
    LPI: _lpi,
    CLASSIFICATION: _classification,
    SUCCESSOR: _successor,
}
_EMPTY = (None,) * (len(PLACE_COLUMNS) - 1)


def _combine(fmt: Format, scratch: Scratch) -> Iterator[PlaceRecord]:
    for found in scratch.combined():
        uprn, b_line, b_change, blpu, l_line, l_change, usrn, lpi, street = found[:9]
        c_line, c_change, c_code = found[9:]
        if b_change == DELETE:
            yield PlaceRecord(b_line, DELETE, (uprn, *_EMPTY))
            continue
        values: list = [uprn, *_EMPTY]
        missing: list[Part] = [fmt.absent]
        for part, data in ((fmt.blpu, blpu), (fmt.lpi, lpi), (STREET_PART, street)):
            if data is None:
                missing.append(part)
                continue
            for column in part.columns:
                if column in data:
                    values[COLUMN_INDEX[column]] = data[column]
        if lpi is not None:
            values[COLUMN_INDEX["usrn"]] = usrn
        classification = c_code or (blpu or {}).get("classification_code")
        if classification is None:
            missing.append(CLASSIFICATION_PART)
        values[COLUMN_INDEX["classification_code"]] = classification
        line = b_line or l_line or c_line
        yield PlaceRecord(line, b_change or l_change or c_change, tuple(values), tuple(missing))
