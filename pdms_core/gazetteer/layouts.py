"""Column layouts of the multi-record formats: AddressBase Premium and LLPG DTF 7.3.

Every row starts with RECORD_IDENTIFIER; the lists below are the columns of each record
type the importer reads, as given in DOMAIN.md §3. DTF 7.3 differs from Premium in
records 21 and 24; its records 15, 30 and 32 are taken to match Premium's (not verified
against the DTF 7.3 specification; docs/gazetteer.md says so too).
"""

from __future__ import annotations

from typing import NamedTuple

from pdms_core.gazetteer.records import Part

STREET, BLPU, LPI, SUCCESSOR, CLASSIFICATION = "15", "21", "24", "30", "32"
#: Header, metadata, trailer: nothing a place needs.
IGNORED = frozenset(("10", "11", "12", "13", "14", "16", "17", "22", "23", "28", "29", "31", "99"))

_HEAD = ("RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER")
_DATES = ("START_DATE", "END_DATE", "LAST_UPDATE_DATE", "ENTRY_DATE")
_LPI_PARTS = (
    "SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX", "SAO_TEXT",
    "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX", "PAO_TEXT",
)  # fmt: skip

COMMON = {
    STREET: (
        *_HEAD, "USRN", "STREET_DESCRIPTION", "LOCALITY_NAME", "TOWN_NAME",
        "ADMINISTRATIVE_AREA", "LANGUAGE", *_DATES,
    ),
    SUCCESSOR: (*_HEAD, "UPRN", "SUCC_KEY", *_DATES, "SUCCESSOR"),
    CLASSIFICATION: (
        *_HEAD, "UPRN", "CLASS_KEY", "CLASSIFICATION_CODE", "CLASS_SCHEME", "SCHEME_VERSION",
        *_DATES,
    ),
}  # fmt: skip

PREMIUM = {
    **COMMON,
    BLPU: (
        *_HEAD, "UPRN", "LOGICAL_STATUS", "BLPU_STATE", "BLPU_STATE_DATE", "PARENT_UPRN",
        "X_COORDINATE", "Y_COORDINATE", "LATITUDE", "LONGITUDE", "RPC", "LOCAL_CUSTODIAN_CODE",
        "COUNTRY", *_DATES, "ADDRESSBASE_POSTAL", "POSTCODE_LOCATOR", "MULTI_OCC_COUNT",
    ),
    LPI: (
        *_HEAD, "UPRN", "LPI_KEY", "LANGUAGE", "LOGICAL_STATUS", *_DATES, *_LPI_PARTS, "USRN",
        "USRN_MATCH_INDICATOR", "AREA_NAME", "LEVEL", "OFFICIAL_FLAG",
    ),
}  # fmt: skip

DTF73 = {
    **COMMON,
    BLPU: (
        *_HEAD, "UPRN", "LOGICAL_STATUS", "BLPU_STATE", "BLPU_STATE_DATE", "BLPU_CLASS",
        "PARENT_UPRN", "X_COORDINATE", "Y_COORDINATE", "RPC", "LOCAL_CUSTODIAN_CODE", *_DATES,
        "ORGANISATION", "WARD_CODE", "PARISH_CODE", "CUSTODIAN_ONE", "CUSTODIAN_TWO", "CAN_KEY",
    ),
    LPI: (
        *_HEAD, "UPRN", "LPI_KEY", "LANGUAGE", "LOGICAL_STATUS", *_DATES, *_LPI_PARTS, "USRN",
        "LEVEL", "POSTAL_ADDRESS", "POSTCODE", "POST_TOWN", "OFFICIAL_FLAG", "CUSTODIAN_ONE",
        "CUSTODIAN_TWO", "CAN_KEY",
    ),
}  # fmt: skip

_LPI_COLUMNS = (
    "usrn", "sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix",
    "sao_text", "pao_start_number", "pao_start_suffix", "pao_end_number", "pao_end_suffix",
    "pao_text",
)  # fmt: skip
STREET_PART = Part(
    "street descriptor (record 15)", ("street", "locality", "town", "administrative_area"), True
)
CLASSIFICATION_PART = Part("classification (record 32)", ("classification_code",), False)


class Format(NamedTuple):
    """One multi-record format: its layouts and which part supplies which columns."""

    name: str
    layouts: dict[str, tuple[str, ...]]
    blpu: Part
    lpi: Part
    #: Columns the format never carries: kept as stored rather than emptied.
    absent: Part


PREMIUM_FORMAT = Format(
    "addressbase-premium",
    PREMIUM,
    Part(
        "BLPU (record 21)",
        (
            "parent_uprn", "easting", "northing", "latitude", "longitude", "logical_status",
            "blpu_state", "postcode", "last_update_date",
        ),
        True,
    ),
    Part("LPI (record 24)", _LPI_COLUMNS, True),
    # Organisations are in record 31, which the importer does not read.
    Part("columns AddressBase Premium does not carry", ("organisation",), False),
)  # fmt: skip

DTF73_FORMAT = Format(
    "dtf73",
    DTF73,
    Part(
        "BLPU (record 21)",
        (
            "parent_uprn", "easting", "northing", "logical_status", "blpu_state",
            "organisation", "last_update_date",
        ),
        True,
    ),
    # DTF 7.3 puts the postcode on the LPI, not on the BLPU.
    Part("LPI (record 24)", (*_LPI_COLUMNS, "postcode"), True),
    Part("columns DTF 7.3 does not carry", ("latitude", "longitude"), False),
)  # fmt: skip
