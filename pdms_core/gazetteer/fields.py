"""Field converters shared by every format: text in, a checked Python value out.

Each converter takes the raw text and the column name the file uses, returns ``None``
for an empty field, and raises :class:`FieldError` with a reason a council officer can
act on. Empty fields are tested first because most AddressBase fields are empty, and
these functions run tens of millions of times in a full supply.

Text limits come from the ``place`` table itself, so a value the database would refuse
(PostgreSQL enforces VARCHAR lengths, SQLite does not) is caught here, with its line,
instead of failing the whole transaction at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pdms_core.gazetteer.records import CHANGE_TYPES, FieldError
from pdms_core.places.address import normalise_postcode
from pdms_core.places.models import Place

#: BNG extent of Great Britain, with a margin; WGS84 box around it.
EASTING_RANGE = (0.0, 700_000.0)
NORTHING_RANGE = (0.0, 1_300_000.0)
LATITUDE_RANGE = (49.0, 61.5)
LONGITUDE_RANGE = (-9.0, 2.5)
LOGICAL_STATUSES = frozenset((1, 3, 5, 6, 8, 9))
BLPU_STATES = frozenset((1, 2, 3, 4, 6))

#: (raw text, the file's column name) -> value; raises FieldError.
Converter = Callable[[str, str], object]


def text_limit(column: str) -> int:
    """The VARCHAR length of a ``place`` column."""
    return Place.__table__.c[column].type.length


def _digits(value: str, column: str, max_digits: int, what: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise FieldError(column, f"{what} must be digits, not {value!r}")
    if len(value) > max_digits:
        raise FieldError(column, f"{what} has more than {max_digits} digits: {value!r}")
    return int(value)


def uprn(value: str, column: str) -> int:
    """A UPRN: 1 to 12 digits, not zero. Required."""
    if not value:
        raise FieldError(column, "a UPRN is required")
    number = _digits(value, column, 12, "a UPRN")
    if number == 0:
        raise FieldError(column, "a UPRN cannot be 0")
    return number


def optional_uprn(value: str, column: str) -> int | None:
    """A UPRN or nothing (PARENT_UPRN)."""
    return uprn(value, column) if value else None


def usrn(value: str, column: str) -> int | None:
    """A USRN: up to 8 digits."""
    if not value:
        return None
    number = _digits(value, column, 8, "a USRN")
    if number == 0:
        raise FieldError(column, "a USRN cannot be 0")
    return number


def address_number(value: str, column: str) -> int | None:
    """A BS 7666 SAO or PAO number: 0 to 9999."""
    if not value:
        return None
    return _digits(value, column, 4, "an address number")


def suffix(value: str, column: str) -> str | None:
    """A BS 7666 number suffix: one or two letters."""
    if not value:
        return None
    if len(value) > 2 or not (value.isascii() and value.isalpha()):
        raise FieldError(column, f"a number suffix is one or two letters, not {value!r}")
    return value.upper()


def text(column: str) -> Converter:
    """A converter for free text, stripped, that must fit the ``place`` column."""
    limit = text_limit(column)

    def convert(value: str, name: str) -> str | None:
        if not value:
            return None
        value = value.strip()
        if len(value) > limit:
            raise FieldError(name, f"longer than {limit} characters")
        return value or None

    return convert


def coordinate(bounds: tuple[float, float]) -> Converter:
    """A converter for a number inside ``bounds`` (which also rules out NaN and infinity)."""
    low, high = bounds
    shown = " to ".join(str(int(b) if b.is_integer() else b) for b in bounds)

    def convert(value: str, column: str) -> float | None:
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise FieldError(column, f"not a number: {value!r}") from None
        if not low <= number <= high:
            raise FieldError(column, f"{value} is outside {shown}")
        return number

    convert.bounds = bounds  # type: ignore[attr-defined]  # for FlatLayout's fast path
    return convert


def code(allowed: frozenset[int]) -> Converter:
    """A converter for a numeric code from a closed list."""
    listed = ", ".join(map(str, sorted(allowed)))

    def convert(value: str, column: str) -> int | None:
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) not in allowed:
            raise FieldError(column, f"{value!r} is not one of {listed}")
        return int(value)

    return convert


easting = coordinate(EASTING_RANGE)
northing = coordinate(NORTHING_RANGE)
latitude = coordinate(LATITUDE_RANGE)
longitude = coordinate(LONGITUDE_RANGE)
logical_status = code(LOGICAL_STATUSES)
blpu_state = code(BLPU_STATES)


def iso_date(value: str, column: str) -> str | None:
    """A YYYY-MM-DD date, kept as text (what both backends' bulk paths take)."""
    if not value:
        return None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise FieldError(column, f"not a YYYY-MM-DD date: {value!r}")


def postcode(value: str, column: str) -> str | None:
    """A postcode in the usual spacing (``ZZ1 2AB``); shape only, not existence."""
    if not value:
        return None
    normal = normalise_postcode(value)
    if normal is None:
        return None
    compact = normal.replace(" ", "")
    if not (5 <= len(compact) <= 7 and compact.isascii() and compact.isalnum()):
        raise FieldError(column, f"not a postcode: {value!r}")
    return normal


def change_type(value: str, column: str) -> str:
    """I, U or D."""
    if value not in CHANGE_TYPES:
        stripped = value.strip().upper()
        if stripped in CHANGE_TYPES:
            return stripped
        raise FieldError(column, f"change type must be I, U or D, not {value!r}")
    return value
