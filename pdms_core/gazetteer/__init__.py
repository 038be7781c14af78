"""Gazetteer import: AddressBase Plus and Premium, LLPG DTF 7.3 and a simple CSV.

``import_gazetteer(database, path, fmt)`` loads one file into ``place`` in a single
transaction through the database's bulk path; see docs/gazetteer.md for the formats,
what each change type does, and how retired UPRNs move people's current addresses.
"""

from pdms_core.gazetteer.formats import FORMATS
from pdms_core.gazetteer.importer import ImportReport, import_gazetteer
from pdms_core.gazetteer.records import RowError
from pdms_core.gazetteer.retire import Repointing

__all__ = ["FORMATS", "ImportReport", "Repointing", "RowError", "import_gazetteer"]
