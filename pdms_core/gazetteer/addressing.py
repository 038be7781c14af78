"""From a place values list to its BS 7666 single-line address, with the shared checks.

The formatting itself is :func:`pdms_core.places.address.single_line`, the same code the
API uses, so an imported address reads exactly like one typed in by an officer.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdms_core.gazetteer.records import ADDRESS_INDEX, COLUMN_INDEX, FieldError
from pdms_core.places.address import AddressParts, single_line
from pdms_core.places.models import Place

#: Where each AddressParts field sits in a values list (AddressParts is positional).
_PART_INDICES = tuple(COLUMN_INDEX[name] for name in AddressParts.__dataclass_fields__)
_PAO_NUMBER = COLUMN_INDEX["pao_start_number"]
_PAO_TEXT = COLUMN_INDEX["pao_text"]
_STREET = COLUMN_INDEX["street"]
_EASTING = COLUMN_INDEX["easting"]
_NORTHING = COLUMN_INDEX["northing"]
_ADDRESS_LIMIT = Place.__table__.c.single_line_address.type.length


def format_address(values: list) -> tuple:
    """``values`` as a tuple with ``single_line_address`` filled in."""
    address = single_line(AddressParts(*[values[i] for i in _PART_INDICES]))
    if len(address) > _ADDRESS_LIMIT:
        # Each part fits its column, but all of them together can exceed this one.
        raise FieldError(None, f"the address is longer than {_ADDRESS_LIMIT} characters")
    values[ADDRESS_INDEX] = address
    return tuple(values)


def check_addressable(values: Sequence, pao_column: str, street_column: str) -> None:
    """Every BS 7666 address has a primary object (number or name) on a street."""
    if values[_PAO_NUMBER] is None and values[_PAO_TEXT] is None:
        raise FieldError(pao_column, "a PAO start number or PAO text is required")
    if values[_STREET] is None:
        raise FieldError(street_column, "a street description is required")


def check_grid_pair(values: Sequence, easting_column: str, northing_column: str) -> None:
    """Easting and northing come together or not at all."""
    if (values[_EASTING] is None) != (values[_NORTHING] is None):
        missing = easting_column if values[_EASTING] is None else northing_column
        raise FieldError(missing, "easting and northing must both be given")
