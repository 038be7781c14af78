"""AddressBase Plus: OS's flat CSV, one address per row, 77 columns, no header row.

The column order is that of DOMAIN.md §3 (not verified against the current OS
release). OS supplies the header separately, so data files start with data; a header
row, when someone has added one, is recognised by its first field and skipped.

AddressBase Plus carries only live, approved addresses, so every place it inserts or
updates gets LOGICAL_STATUS 1; retired ones arrive as deletes in change-only updates.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from pdms_core.gazetteer import fields
from pdms_core.gazetteer.flat import Field, FlatLayout, constant, text
from pdms_core.gazetteer.reader import Progress, is_header, read_rows
from pdms_core.gazetteer.records import PlaceRecord, RowError
from pdms_core.places.models import APPROVED

COLUMNS: tuple[str, ...] = (
    "UPRN", "UDPRN", "CHANGE_TYPE", "STATE", "STATE_DATE", "CLASS", "PARENT_UPRN",
    "X_COORDINATE", "Y_COORDINATE", "LATITUDE", "LONGITUDE", "RPC", "LOCAL_CUSTODIAN_CODE",
    "COUNTRY", "LA_START_DATE", "LAST_UPDATE_DATE", "ENTRY_DATE", "RM_ORGANISATION_NAME",
    "LA_ORGANISATION", "DEPARTMENT_NAME", "LEGAL_NAME", "SUB_BUILDING_NAME", "BUILDING_NAME",
    "BUILDING_NUMBER", "SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER",
    "SAO_END_SUFFIX", "SAO_TEXT", "ALT_LANGUAGE_SAO_TEXT", "PAO_START_NUMBER",
    "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX", "PAO_TEXT", "ALT_LANGUAGE_PAO_TEXT",
    "USRN", "USRN_MATCH_INDICATOR", "AREA_NAME", "LEVEL", "OFFICIAL_FLAG", "OS_ADDRESS_TOID",
    "OS_ADDRESS_TOID_VERSION", "OS_ROADLINK_TOID", "OS_ROADLINK_TOID_VERSION", "OS_TOPO_TOID",
    "OS_TOPO_TOID_VERSION", "VOA_CT_RECORD", "VOA_NDR_RECORD", "STREET_DESCRIPTION",
    "ALT_LANGUAGE_STREET_DESCRIPTION", "DEPENDENT_THOROUGHFARE", "THOROUGHFARE",
    "WELSH_DEPENDENT_THOROUGHFARE", "WELSH_THOROUGHFARE", "DOUBLE_DEPENDENT_LOCALITY",
    "DEPENDENT_LOCALITY", "LOCALITY", "WELSH_DEPENDENT_LOCALITY",
    "WELSH_DOUBLE_DEPENDENT_LOCALITY", "TOWN_NAME", "ADMINISTRATIVE_AREA", "POST_TOWN",
    "WELSH_POST_TOWN", "POSTCODE", "POSTCODE_LOCATOR", "POSTCODE_TYPE",
    "DELIVERY_POINT_SUFFIX", "ADDRESSBASE_POSTAL", "PO_BOX_NUMBER", "WARD_CODE", "PARISH_CODE",
    "RM_START_DATE", "MULTI_OCC_COUNT", "VOA_NDR_P_DESC_CODE", "VOA_NDR_SCAT_CODE",
    "ALT_LANGUAGE",
)  # fmt: skip
assert len(COLUMNS) == 77
#: Rows converted together (see FlatLayout.parse_many): enough that a column's loop
#: costs next to nothing per row, few enough that the run stays in the CPU's cache
#: (runs of 1,000 rows, about 4 MB of text and lists, parsed up to a third slower on
#: the busy development machine); a run with one unusual row in it goes row by row.
RUN = 200

MAPPING: dict[str, Field] = {
    "parent_uprn": Field("PARENT_UPRN", fields.optional_uprn),
    "usrn": Field("USRN", fields.usrn),
    # The council's own name for an organisation first, Royal Mail's otherwise.
    "organisation": Field("LA_ORGANISATION", text("organisation"), "RM_ORGANISATION_NAME"),
    "sao_start_number": Field("SAO_START_NUMBER", fields.address_number),
    "sao_start_suffix": Field("SAO_START_SUFFIX", fields.suffix),
    "sao_end_number": Field("SAO_END_NUMBER", fields.address_number),
    "sao_end_suffix": Field("SAO_END_SUFFIX", fields.suffix),
    "sao_text": Field("SAO_TEXT", text("sao_text")),
    "pao_start_number": Field("PAO_START_NUMBER", fields.address_number),
    "pao_start_suffix": Field("PAO_START_SUFFIX", fields.suffix),
    "pao_end_number": Field("PAO_END_NUMBER", fields.address_number),
    "pao_end_suffix": Field("PAO_END_SUFFIX", fields.suffix),
    "pao_text": Field("PAO_TEXT", text("pao_text")),
    "street": Field("STREET_DESCRIPTION", text("street")),
    "locality": Field("LOCALITY", text("locality")),
    "town": Field("TOWN_NAME", text("town")),
    "administrative_area": Field("ADMINISTRATIVE_AREA", text("administrative_area")),
    # The locator is the BLPU's postcode and always present; POSTCODE is Royal Mail's,
    # only for postal addresses.
    "postcode": Field("POSTCODE_LOCATOR", fields.postcode, "POSTCODE"),
    "easting": Field("X_COORDINATE", fields.easting),
    "northing": Field("Y_COORDINATE", fields.northing),
    "latitude": Field("LATITUDE", fields.latitude),
    "longitude": Field("LONGITUDE", fields.longitude),
    "classification_code": Field("CLASS", text("classification_code")),
    "logical_status": Field("", constant(APPROVED)),
    "blpu_state": Field("STATE", fields.blpu_state),
    "last_update_date": Field("LAST_UPDATE_DATE", fields.iso_date),
}

LAYOUT = FlatLayout(
    COLUMNS,
    MAPPING,
    uprn="UPRN",
    change="CHANGE_TYPE",
    names={
        "pao": "PAO_START_NUMBER",
        "street": "STREET_DESCRIPTION",
        "easting": "X_COORDINATE",
        "northing": "Y_COORDINATE",
    },
)


def parse(path: Path, progress: Progress | None = None) -> Iterator[PlaceRecord | RowError]:
    """Every place in an AddressBase Plus file, in file order."""
    rows = read_rows(path, progress)
    for item in rows:  # the first row: a header, perhaps
        if isinstance(item, RowError):
            yield item
            continue
        if not is_header(item[1], "UPRN"):
            yield LAYOUT.parse(*item)
        break
    # The rest a run at a time, so the layout can convert them column by column.
    while run := list(islice(rows, RUN)):
        if set(map(type, run)) == {tuple}:  # no RowError (itself a tuple, of a subclass)
            yield from LAYOUT.parse_many(run)
        else:
            for item in run:
                yield item if type(item) is RowError else LAYOUT.parse(*item)
