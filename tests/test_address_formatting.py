"""BS 7666 address formatting (pdms_core/places/address.py): the rules imports rely on.

Street and place names are invented.
"""

from __future__ import annotations

import pytest

from pdms_core.places.address import (
    AddressParts,
    address_lines,
    normalise_postcode,
    number_range,
    single_line,
)

STREET = {"street": "Zorvex Lane", "town": "Quivlum", "postcode": "ZZ1 1AB"}

FORMATTED = {
    "a number": (
        AddressParts(pao_start_number=14, **STREET),
        "14 Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a number with a suffix": (
        AddressParts(pao_start_number=14, pao_start_suffix="A", **STREET),
        "14A Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a number range": (
        AddressParts(pao_start_number=14, pao_end_number=16, **STREET),
        "14-16 Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a range with suffixes": (
        AddressParts(
            pao_start_number=14,
            pao_start_suffix="A",
            pao_end_number=14,
            pao_end_suffix="C",
            **STREET,
        ),
        "14A-14C Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a named building without a number": (
        AddressParts(pao_text="Dranfel House", **STREET),
        "Dranfel House, Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a named building with a number": (
        AddressParts(pao_text="Quillmoor Court", pao_start_number=12, **STREET),
        "Quillmoor Court, 12 Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a flat in a named, numbered building": (
        AddressParts(
            sao_text="Flat",
            sao_start_number=2,
            pao_text="Quillmoor Court",
            pao_start_number=12,
            **STREET,
        ),
        "Flat 2, Quillmoor Court, 12 Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a flat in a numbered building without a name": (
        AddressParts(sao_text="Flat", sao_start_number=1, pao_start_number=14, **STREET),
        "Flat 1, 14 Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a secondary number with a suffix and no text": (
        AddressParts(sao_start_number=2, sao_start_suffix="B", pao_start_number=14, **STREET),
        "2B, 14 Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a range of flats in a named building": (
        AddressParts(
            sao_text="Flats",
            sao_start_number=1,
            sao_end_number=4,
            pao_text="Quillmoor Court",
            **STREET,
        ),
        "Flats 1-4, Quillmoor Court, Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "an organisation in a unit": (
        AddressParts(
            organisation="Grobtas Trading", sao_text="Unit 3", pao_text="Kivmib Works", **STREET
        ),
        "Grobtas Trading, Unit 3, Kivmib Works, Zorvex Lane, Quivlum, ZZ1 1AB",
    ),
    "a locality": (
        AddressParts(pao_start_number=7, street="Dranfel Road", locality="Kivmib", town="Quivlum"),
        "7 Dranfel Road, Kivmib, Quivlum",
    ),
    "stray spaces": (
        AddressParts(pao_start_number=7, street="  Dranfel   Road ", town="Quivlum"),
        "7 Dranfel Road, Quivlum",
    ),
}


@pytest.mark.parametrize("case", FORMATTED)
def test_single_line_follows_bs7666(case: str):
    parts, expected = FORMATTED[case]
    assert single_line(parts) == expected


def test_a_named_building_takes_its_own_line_and_its_number_joins_the_street():
    parts = AddressParts(
        sao_text="Flat",
        sao_start_number=2,
        pao_text="Quillmoor Court",
        pao_start_number=12,
        **STREET,
    )
    assert address_lines(parts) == [
        "Flat 2, Quillmoor Court",
        "12 Zorvex Lane",
        "Quivlum",
        "ZZ1 1AB",
    ]


def test_a_number_range_needs_a_start():
    assert number_range(None, None, 16, "B") == ""
    assert number_range(3, None, None, "B") == "3"


def test_parts_can_be_read_off_any_object_with_place_attributes():
    class Row:
        pao_start_number = 20
        street = "Zorvex Lane"
        uprn = 990000100006  # not a part: ignored

    assert single_line(AddressParts.of(Row())) == "20 Zorvex Lane"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("zz11ab", "ZZ1 1AB"),
        (" zz1  1ab ", "ZZ1 1AB"),
        ("ZZ12 3CD", "ZZ12 3CD"),
        ("  ", None),
        (None, None),
    ],
)
def test_postcodes_are_normalised(given, expected):
    assert normalise_postcode(given) == expected
