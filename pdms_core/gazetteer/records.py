"""What every gazetteer parser yields: place records, successor links and row errors.

Parsers are generators over one file. Each item carries the line it came from, so the
importer can report problems against the file the council actually holds. Place values
are a plain tuple in :data:`PLACE_COLUMNS` order rather than an object per row: an
AddressBase supply has millions of rows, and the tuple goes to the database driver as
it is.
"""

from __future__ import annotations

from typing import NamedTuple

#: CHANGE_TYPE codes (AddressBase and DTF 7.3 use the same three).
INSERT, UPDATE, DELETE = "I", "U", "D"
CHANGE_TYPES = frozenset((INSERT, UPDATE, DELETE))

#: The ``place`` columns an import writes, in the order of ``PlaceRecord.values``.
PLACE_COLUMNS: tuple[str, ...] = (
    "uprn",
    "parent_uprn",
    "usrn",
    "organisation",
    "sao_start_number",
    "sao_start_suffix",
    "sao_end_number",
    "sao_end_suffix",
    "sao_text",
    "pao_start_number",
    "pao_start_suffix",
    "pao_end_number",
    "pao_end_suffix",
    "pao_text",
    "street",
    "locality",
    "town",
    "administrative_area",
    "postcode",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "classification_code",
    "logical_status",
    "blpu_state",
    "last_update_date",
    "single_line_address",
)
COLUMN_INDEX = {name: index for index, name in enumerate(PLACE_COLUMNS)}
UPRN_INDEX = 0
ADDRESS_INDEX = COLUMN_INDEX["single_line_address"]


class Part(NamedTuple):
    """A group of columns that one record type of a multi-record file supplies.

    A change-only update may carry a place's LPI without its BLPU (or the reverse);
    the importer then keeps the stored values of the absent part.
    """

    label: str  # as shown in error messages, e.g. "BLPU (record 21)"
    columns: tuple[str, ...]
    required: bool  # a new place cannot do without it


class PlaceRecord(NamedTuple):
    """One place to insert, update or delete.

    ``values`` follows :data:`PLACE_COLUMNS`; ``last_update_date`` is ISO text and
    ``single_line_address`` is already formatted unless ``missing`` names parts the file
    did not contain, in which case the importer completes the record first.
    For a delete only the UPRN is meaningful.
    """

    line: int
    change: str
    values: tuple
    missing: tuple[Part, ...] = ()


class SuccessorRecord(NamedTuple):
    """A retired UPRN and the UPRN that replaces it (record 30, or the simple format)."""

    line: int
    change: str
    uprn: int
    successor: int


class RowError(NamedTuple):
    """A row that cannot be imported: where it is and why."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class FieldError(ValueError):
    """Raised by field converters; the parser adds the line and column."""

    def __init__(self, column: str | None, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason
