"""The gazetteer formats the importer reads, by the name the CLI uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from pdms_core.gazetteer import addressbase_plus, simple
from pdms_core.gazetteer.multirecord import parse_dtf73, parse_premium
from pdms_core.gazetteer.reader import Progress
from pdms_core.gazetteer.records import PlaceRecord, RowError, SuccessorRecord

Parser = Callable[[Path, Progress | None], Iterator[PlaceRecord | SuccessorRecord | RowError]]


class GazetteerFormat(NamedTuple):
    """A file format: its parser, and its names for the columns errors point at."""

    name: str
    description: str
    parse: Parser
    pao_column: str
    street_column: str


FORMATS: dict[str, GazetteerFormat] = {
    f.name: f
    for f in (
        GazetteerFormat(
            "addressbase-plus",
            "OS AddressBase Plus: flat CSV, 77 columns, no header",
            addressbase_plus.parse,
            "PAO_START_NUMBER",
            "STREET_DESCRIPTION",
        ),
        GazetteerFormat(
            "addressbase-premium",
            "OS AddressBase Premium: multi-record CSV",
            parse_premium,
            "PAO_START_NUMBER",
            "STREET_DESCRIPTION",
        ),
        GazetteerFormat(
            "dtf73",
            "LLPG Data Transfer Format 7.3: multi-record CSV",
            parse_dtf73,
            "PAO_START_NUMBER",
            "STREET_DESCRIPTION",
        ),
        GazetteerFormat(
            "simple",
            "CSV with a header row, one place per row (docs/gazetteer.md)",
            simple.parse,
            "pao_start_number",
            "street",
        ),
    )
}
