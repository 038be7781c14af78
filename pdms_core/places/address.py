"""BS 7666 address formatting: ranges, suffixes and flats within buildings.

A secondary object (SAO, such as "Flat 2" or "2A") sits inside a primary one (PAO, such
as "14", "14-16" or "Rose Cottage"). When a PAO has only a number it shares its line with
the street ("14 High Street"); when it has text, the text takes a line of its own and
the number, if any, joins the street ("Rose Cottage, 3 Mill Lane").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A UK postcode (BS 7666 shapes), with or without its space.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class AddressParts:
    """The parts of a BS 7666 address, as stored on a Place."""

    sao_start_number: int | None = None
    sao_start_suffix: str | None = None
    sao_end_number: int | None = None
    sao_end_suffix: str | None = None
    sao_text: str | None = None
    pao_start_number: int | None = None
    pao_start_suffix: str | None = None
    pao_end_number: int | None = None
    pao_end_suffix: str | None = None
    pao_text: str | None = None
    organisation: str | None = None
    street: str | None = None
    locality: str | None = None
    town: str | None = None
    postcode: str | None = None

    @classmethod
    def of(cls, record: object) -> AddressParts:
        """The parts of any object with the Place attribute names."""
        return cls(**{name: getattr(record, name, None) for name in cls.__dataclass_fields__})


def number_range(
    start: int | None, start_suffix: str | None, end: int | None, end_suffix: str | None
) -> str:
    """``14``, ``14A``, ``14-16`` or ``14A-14C`` from BS 7666 number fields."""
    if start is None:
        return ""
    text = f"{start}{start_suffix or ''}"
    if end is not None:
        text += f"-{end}{end_suffix or ''}"
    return text


def address_lines(parts: AddressParts) -> list[str]:
    """The address as lines, most specific first, postcode last."""
    lines: list[str] = []
    if parts.organisation:
        lines.append(parts.organisation)
    sao_number = number_range(
        parts.sao_start_number, parts.sao_start_suffix, parts.sao_end_number, parts.sao_end_suffix
    )
    pao_number = number_range(
        parts.pao_start_number, parts.pao_start_suffix, parts.pao_end_number, parts.pao_end_suffix
    )
    sao = " ".join(filter(None, [parts.sao_text, sao_number]))
    street = parts.street or ""
    if parts.pao_text:
        # "Flat 2, Rose Cottage" then "3 Mill Lane"
        lines.append(", ".join(filter(None, [sao, parts.pao_text])) if sao else parts.pao_text)
        lines.append(" ".join(filter(None, [pao_number, street])))
    else:
        if sao:
            lines.append(sao)
        lines.append(" ".join(filter(None, [pao_number, street])))
    lines.extend(filter(None, [parts.locality, parts.town, parts.postcode]))
    return [line for line in (" ".join(line.split()) for line in lines) if line]


def single_line(parts: AddressParts) -> str:
    """The address on one line, comma-separated."""
    return ", ".join(address_lines(parts))


def normalise_postcode(value: str | None) -> str | None:
    """``sw1a1aa`` -> ``SW1A 1AA``; None for blank. No validation of the outward code."""
    if value is None:
        return None
    compact = "".join(value.split()).upper()
    if not compact:
        return None
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_uk_postcode(value: str) -> bool:
    """True for a postcode of a UK shape (as ``normalise_postcode`` gives it)."""
    return POSTCODE.match(value) is not None
