"""The simple format: a CSV with a header row, one place per row (docs/gazetteer.md).

For councils whose gazetteer comes out of a spreadsheet or another system rather than
from OS or an LLPG export. Columns are matched by name, in any order; only ``uprn`` and
``change_type`` are required, and a misspelt column name is an error rather than a
silently empty field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pdms_core.gazetteer import fields
from pdms_core.gazetteer.flat import Field, FlatLayout, text
from pdms_core.gazetteer.reader import Progress, read_rows
from pdms_core.gazetteer.records import (
    INSERT,
    PlaceRecord,
    RowError,
    SuccessorRecord,
)

SUCCESSOR = "successor_uprn"
REQUIRED = ("uprn", "change_type")

MAPPING: dict[str, Field] = {
    "parent_uprn": Field("parent_uprn", fields.optional_uprn),
    "usrn": Field("usrn", fields.usrn),
    "organisation": Field("organisation", text("organisation")),
    "sao_start_number": Field("sao_start_number", fields.address_number),
    "sao_start_suffix": Field("sao_start_suffix", fields.suffix),
    "sao_end_number": Field("sao_end_number", fields.address_number),
    "sao_end_suffix": Field("sao_end_suffix", fields.suffix),
    "sao_text": Field("sao_text", text("sao_text")),
    "pao_start_number": Field("pao_start_number", fields.address_number),
    "pao_start_suffix": Field("pao_start_suffix", fields.suffix),
    "pao_end_number": Field("pao_end_number", fields.address_number),
    "pao_end_suffix": Field("pao_end_suffix", fields.suffix),
    "pao_text": Field("pao_text", text("pao_text")),
    "street": Field("street", text("street")),
    "locality": Field("locality", text("locality")),
    "town": Field("town", text("town")),
    "administrative_area": Field("administrative_area", text("administrative_area")),
    "postcode": Field("postcode", fields.postcode),
    "easting": Field("easting", fields.easting),
    "northing": Field("northing", fields.northing),
    "latitude": Field("latitude", fields.latitude),
    "longitude": Field("longitude", fields.longitude),
    "classification_code": Field("classification_code", text("classification_code")),
    "logical_status": Field("logical_status", fields.logical_status),
    "blpu_state": Field("blpu_state", fields.blpu_state),
    "last_update_date": Field("last_update_date", fields.iso_date),
}

#: Every column the format knows, in the order the documentation lists them.
COLUMNS = ("uprn", *MAPPING, "change_type", SUCCESSOR)
NAMES = {
    "pao": "pao_start_number",
    "street": "street",
    "easting": "easting",
    "northing": "northing",
}


def header_problem(header: list[str]) -> str | None:
    """Why ``header`` is not a usable simple-format header, or None."""
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        return f"unknown column {unknown[0]!r} (the columns are {', '.join(COLUMNS)})"
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        return f"column {repeated[0]!r} appears more than once"
    absent = [name for name in REQUIRED if name not in header]
    if absent:
        return f"the header has no {absent[0]!r} column"
    return None


def parse(
    path: Path, progress: Progress | None = None
) -> Iterator[PlaceRecord | SuccessorRecord | RowError]:
    """Every place (and successor link) in a simple-format file, in file order."""
    layout: FlatLayout | None = None
    successor_at = -1
    for item in read_rows(path, progress):
        if isinstance(item, RowError):
            yield item
            continue
        line, row = item
        if layout is None:
            header = [name.strip().lower() for name in row]
            problem = header_problem(header)
            if problem:
                yield RowError(line, None, problem)
                return
            layout = FlatLayout(header, MAPPING, uprn="uprn", change="change_type", names=NAMES)
            successor_at = header.index(SUCCESSOR) if SUCCESSOR in header else -1
            continue
        record = layout.parse(line, row)
        yield record
        if successor_at >= 0 and isinstance(record, PlaceRecord) and row[successor_at]:
            yield _successor(record, row[successor_at])


def _successor(record: PlaceRecord, value: str) -> SuccessorRecord | RowError:
    try:
        successor = fields.uprn(value.strip(), SUCCESSOR)
    except fields.FieldError as exc:
        return RowError(record.line, exc.column, exc.reason)
    if successor == record.values[0]:
        return RowError(record.line, SUCCESSOR, "a UPRN cannot succeed itself")
    # The row asserts the link whatever it does to the place: a deleted UPRN may name
    # its successor too. (In record 30, D withdraws the link itself.)
    return SuccessorRecord(record.line, INSERT, record.values[0], successor)
