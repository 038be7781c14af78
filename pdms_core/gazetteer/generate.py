"""Synthetic AddressBase Plus files: fictional addresses for benchmarks and demos.

Everything is invented so a generated file can never be mistaken for, or leak, real
data: street and town names are built from syllables that make no English place name,
UPRNs start at 990000000001 (the 99... range is marked synthetic in docs/gazetteer.md),
USRNs at 99000001, and postcodes are in the non-existent "ZZ" area. Coordinates are
real-shaped (British National Grid in the English Midlands, with a matching rough WGS84
position) so spatial code has something plausible to chew on.

The same seed gives the same file, byte for byte.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

from pdms_core.gazetteer.addressbase_plus import COLUMNS

FIRST_UPRN = 990_000_000_001
FIRST_USRN = 99_000_001
_SYLLABLES = ("zor", "quiv", "vex", "dran", "lum", "yar", "plo", "kiv", "mib", "fel", "grob", "tas")
_STREET_TYPES = ("LANE", "ROAD", "STREET", "CLOSE", "WAY", "CRESCENT", "AVENUE", "MEWS")
_BUILDING_WORDS = ("COURT", "HOUSE", "LODGE", "MANSIONS", "HEIGHTS")
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_POSITION = {name: index for index, name in enumerate(COLUMNS)}
STREETS_PER_TOWN = 400
PLACES_PER_STREET = 60


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).upper()


def _quoted(value: str) -> str:
    return f'"{value}"'


class _Street:
    def __init__(self, rng: random.Random, usrn: int, town: tuple[str, int, float, float]):
        self.usrn = usrn
        self.name = f"{_name(rng, 2)} {rng.choice(_STREET_TYPES)}"
        self.town, self.district, east, north = town
        self.easting = east + rng.uniform(-4000, 4000)
        self.northing = north + rng.uniform(-4000, 4000)
        self.sector = rng.randrange(10)


def _postcode(rng: random.Random, street: _Street) -> str:
    letters = rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
    return f"ZZ{street.district} {street.sector}{letters}"


def _row(
    rng: random.Random,
    uprn: int,
    street: _Street,
    parts: dict[str, str],
    parent: int | None = None,
    postcode: str | None = None,
) -> str:
    fields = [""] * len(COLUMNS)
    easting = round(street.easting + rng.uniform(-150, 150), 2)
    northing = round(street.northing + rng.uniform(-150, 150), 2)
    latitude = 49.766 + northing / 111_200
    longitude = -2.0 + (easting - 400_000) / (111_320 * math.cos(math.radians(latitude)))
    postcode = postcode or _postcode(rng, street)
    for column, value in (
        ("UPRN", str(uprn)),
        ("CHANGE_TYPE", '"I"'),
        ("STATE", "2"),
        ("CLASS", _quoted(parts.pop("CLASS"))),
        ("PARENT_UPRN", str(parent) if parent else ""),
        ("X_COORDINATE", f"{easting:.2f}"),
        ("Y_COORDINATE", f"{northing:.2f}"),
        ("LATITUDE", f"{latitude:.7f}"),
        ("LONGITUDE", f"{longitude:.7f}"),
        ("RPC", "1"),
        ("LOCAL_CUSTODIAN_CODE", "9999"),
        ("COUNTRY", '"E"'),
        ("LAST_UPDATE_DATE", "2024-01-15"),
        ("USRN", str(street.usrn)),
        ("OFFICIAL_FLAG", '"Y"'),
        ("STREET_DESCRIPTION", _quoted(street.name)),
        ("TOWN_NAME", _quoted(street.town)),
        ("ADMINISTRATIVE_AREA", '"ZZSHIRE"'),
        ("POST_TOWN", _quoted(street.town)),
        ("POSTCODE", _quoted(postcode)),
        ("POSTCODE_LOCATOR", _quoted(postcode)),
    ):
        fields[_POSITION[column]] = value
    for column, value in parts.items():
        fields[_POSITION[column]] = value if "NUMBER" in column else _quoted(value)
    return ",".join(fields) + "\r\n"


def _places(rng: random.Random, street: _Street, uprns: Iterator[int]) -> Iterator[str]:
    """One street's places: houses, ranges with suffixes, named buildings, flats."""
    for number in range(1, PLACES_PER_STREET + 1):
        kind = rng.random()
        parts = {"PAO_START_NUMBER": str(number), "CLASS": "RD04"}
        if kind < 0.70:
            yield _row(rng, next(uprns), street, parts)
        elif kind < 0.80:  # "14A-14C"
            parts.update(PAO_START_SUFFIX="A", PAO_END_NUMBER=str(number), PAO_END_SUFFIX="C")
            yield _row(rng, next(uprns), street, parts)
        elif kind < 0.90:  # a named house, half of them numbered too
            parts.update(PAO_TEXT=f"{_name(rng, 2)} {rng.choice(_BUILDING_WORDS)}", CLASS="RD02")
            if rng.random() < 0.5:
                del parts["PAO_START_NUMBER"]
            yield _row(rng, next(uprns), street, parts)
        else:  # a building and its flats, which share its postcode
            building = f"{_name(rng, 2)} {rng.choice(_BUILDING_WORDS)}"
            parent, postcode = next(uprns), _postcode(rng, street)
            parts.update(PAO_TEXT=building, CLASS="PP")
            yield _row(rng, parent, street, parts, postcode=postcode)
            for flat in range(1, rng.randint(2, 12) + 1):
                flat_parts = {**parts, "SAO_TEXT": "FLAT", "SAO_START_NUMBER": str(flat)}
                flat_parts["CLASS"] = "RD06"
                yield _row(rng, next(uprns), street, flat_parts, parent, postcode)


def rows(count: int, seed: int = 0) -> Iterator[str]:
    """``count`` CRLF-terminated AddressBase Plus rows."""
    rng = random.Random(seed)
    uprns = iter(range(FIRST_UPRN, FIRST_UPRN + count + 20))
    made = 0
    usrn = FIRST_USRN
    while True:
        district = made // (STREETS_PER_TOWN * PLACES_PER_STREET) % 99 + 1
        town = (
            _name(rng, 3),
            district,
            rng.uniform(380_000, 460_000),
            rng.uniform(250_000, 330_000),
        )
        for _ in range(STREETS_PER_TOWN):
            street = _Street(rng, usrn, town)
            usrn += 1
            for row in _places(rng, street, uprns):
                yield row
                made += 1
                if made == count:
                    return


def generate(path: Path, count: int, seed: int = 0) -> int:
    """Write ``count`` rows to ``path``; the number of bytes written."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        buffer: list[str] = []
        for row in rows(count, seed):
            buffer.append(row)
            if len(buffer) == 10_000:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
        return out.tell()
