"""From a place values list to its BS 7666 single-line address, with the shared checks.

The rules are those of :func:`pdms_core.places.address.single_line`, the code the API
uses, so an imported address reads exactly like one typed in by an officer.
:func:`single_line_of` applies them straight to a values list, because building an
``AddressParts`` per row and normalising every line cost more than parsing the row in
a million-row import; a part with stray whitespace (which the BS 7666 rules squeeze
out) is rare, and goes through ``single_line`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from pdms_core.gazetteer.records import ADDRESS_INDEX, COLUMN_INDEX, FieldError
from pdms_core.places.address import AddressParts, single_line
from pdms_core.places.models import Place

#: Where each AddressParts field sits in a values list (AddressParts is positional).
_PART_INDICES = tuple(COLUMN_INDEX[name] for name in AddressParts.__dataclass_fields__)
_parts = itemgetter(*_PART_INDICES)
_text_parts = itemgetter(
    *(
        position
        for position, (name, spec) in enumerate(AddressParts.__dataclass_fields__.items())
        if "str" in str(spec.type)
    )
)
_PAO_NUMBER = COLUMN_INDEX["pao_start_number"]
_PAO_TEXT = COLUMN_INDEX["pao_text"]
_STREET = COLUMN_INDEX["street"]
_EASTING = COLUMN_INDEX["easting"]
_NORTHING = COLUMN_INDEX["northing"]
ADDRESS_LIMIT = Place.__table__.c.single_line_address.type.length
#: Texts known to need no whitespace squeezing (streets, towns and postcodes repeat a
#: lot), and None, an empty part; emptied when full so that a national supply cannot
#: grow it without end.
_CLEAN: set[str | None] = {None}
_CLEAN_LIMIT = 100_000


def single_line_of(values: Sequence) -> str:
    """``single_line(AddressParts(...))`` of a values list, without building either."""
    parts = _parts(values)
    if not _CLEAN.issuperset(_text_parts(parts)):  # one C loop for the usual case
        for text in _text_parts(parts):
            if text not in _CLEAN:
                if " ".join(text.split()) != text:
                    return single_line(AddressParts(*parts))
                if len(_CLEAN) >= _CLEAN_LIMIT:
                    _CLEAN.clear()
                    _CLEAN.add(None)
                _CLEAN.add(text)
    (
        sao_start, sao_start_suffix, sao_end, sao_end_suffix, sao_text,
        pao_start, pao_start_suffix, pao_end, pao_end_suffix, pao_text,
        organisation, street, locality, town, postcode,
    ) = parts  # fmt: skip
    # number_range() of the SAO and the PAO: "", "14", "14A", "14-16", "14A-14C"
    sao_number = pao_number = ""
    if sao_start is not None:
        sao_number = f"{sao_start}{sao_start_suffix or ''}"
        if sao_end is not None:
            sao_number += f"-{sao_end}{sao_end_suffix or ''}"
    if pao_start is not None:
        pao_number = f"{pao_start}{pao_start_suffix or ''}"
        if pao_end is not None:
            pao_number += f"-{pao_end}{pao_end_suffix or ''}"
    sao = f"{sao_text} {sao_number}" if sao_text and sao_number else sao_text or sao_number
    lines = [organisation] if organisation else []
    if pao_text:
        lines.append(f"{sao}, {pao_text}" if sao else pao_text)
    elif sao:
        lines.append(sao)
    if pao_number and street:
        lines.append(f"{pao_number} {street}")
    elif pao_number or street:
        lines.append(pao_number or street)
    if locality:
        lines.append(locality)
    if town:
        lines.append(town)
    if postcode:
        lines.append(postcode)
    return ", ".join(lines)


def format_address(values: list) -> tuple:
    """``values`` as a tuple with ``single_line_address`` filled in."""
    address = single_line_of(values)
    if len(address) > ADDRESS_LIMIT:
        # Each part fits its column, but all of them together can exceed this one.
        raise FieldError(None, f"the address is longer than {ADDRESS_LIMIT} characters")
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
