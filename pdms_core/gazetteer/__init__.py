"""Gazetteer import: AddressBase Plus and Premium, LLPG DTF 7.3 and a simple CSV.

``import_gazetteer(database, path, fmt)`` loads one file into ``place`` in a single
transaction through the database's bulk path; see docs/gazetteer.md for the formats,
what each change type does, and how retired UPRNs move people's current addresses.

The names below are imported when first used, not with the package: the background
parser process (background.py) imports the parsers only, and the importer's database
machinery cost it a tenth of a second of start-up before its first chunk.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdms_core.gazetteer.formats import FORMATS
    from pdms_core.gazetteer.importer import ImportReport, import_gazetteer
    from pdms_core.gazetteer.records import RowError
    from pdms_core.gazetteer.retire import Repointing

__all__ = ["FORMATS", "ImportReport", "Repointing", "RowError", "import_gazetteer"]

_HOMES = {
    "FORMATS": "formats",
    "ImportReport": "importer",
    "import_gazetteer": "importer",
    "RowError": "records",
    "Repointing": "retire",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
