"""Reading a weekly arrears report (.xlsx or .csv) into a header and rows of cells.

python-calamine reads .xlsx (fast, Rust); CSV goes through the standard library. The
file is checked before it is parsed: an extension we read, the bytes that format starts
with, a size within the limit. Nothing here touches the database.

Housing systems often export a title block (report name, run date, blank lines) above
the header, so the header is the first of the top rows that names every required field,
unless the saved mapping says which row it is.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook

from pdms_core.plugin import ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive
#: How much larger than the upload limit a workbook may grow when unzipped: real reports
#: compress about tenfold, a zip bomb by thousands.
MAX_EXPANSION = 25
#: How far down a title block may push the header row.
HEADER_SEARCH_ROWS = 20
#: Rows shown as read when no header is found, so the officer sees why.
FIRST_ROWS_SHOWN = 10

#: Report fields: (label, required, recognised header spellings after normalising).
FIELDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "account_reference": (
        "Account reference",
        True,
        (
            "account reference",
            "account ref",
            "account",
            "account number",
            "tenancy reference",
            "tenancy ref",
            "rent account",
            "payment reference",
        ),
    ),
    "tenant_name": ("Tenant name", False, ("tenant name", "tenant", "name", "lead tenant")),
    "address": ("Address", False, ("address", "property address", "property")),
    "uprn": ("UPRN", False, ("uprn", "property uprn")),
    "weekly_rent": (
        "Weekly rent",
        True,
        ("weekly rent", "rent", "gross rent", "weekly gross rent", "rent per week", "net rent"),
    ),
    "balance": (
        "Balance",
        True,
        ("balance", "arrears", "arrears balance", "current balance", "closing balance"),
    ),
    "last_payment_date": (
        "Last payment date",
        False,
        ("last payment date", "date of last payment", "last paid"),
    ),
    "last_payment_amount": (
        "Last payment amount",
        False,
        ("last payment amount", "last payment", "amount of last payment"),
    ),
    "universal_credit": (
        "Universal Credit",
        False,
        ("universal credit", "uc", "uc flag", "uc claimant", "on uc"),
    ),
    "patch": ("Patch", False, ("patch", "patch code", "area", "estate patch")),
}


def normalise_header(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


@dataclass(frozen=True)
class ColumnMatch:
    """How one report field was matched: to which header, by the saved mapping or not."""

    field: str
    label: str
    required: bool
    header: str | None
    index: int | None
    source: str | None  # "saved", "recognised" or None when not found


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: Spreadsheet number of the header row (1 = the first row).
    header_row: int = 1
    #: Whether that row names every required field.
    header_found: bool = True
    #: The file's first rows as text, to show when the header is not found.
    first_rows: list[list[str]] = field(default_factory=list)


def read_sheet(
    content: bytes,
    file_name: str,
    *,
    max_bytes: int,
    saved: dict[str, str] | None = None,
    header_row: int | None = None,
) -> Sheet:
    """The first sheet as a header row and the data rows below it.

    ``header_row`` (1-based) fixes the header; without it the first of the top
    ``HEADER_SEARCH_ROWS`` rows whose headers match every required field is the header.
    When none does, the first row is taken and ``header_found`` is false.
    """
    cells = read_cells(content, file_name, max_bytes=max_bytes)
    first_rows = [_texts(row) for row in cells[:FIRST_ROWS_SHOWN]]
    candidates = [header_row - 1] if header_row else range(min(HEADER_SEARCH_ROWS, len(cells)))
    for index in candidates:
        if index < len(cells) and _names_required(_texts(cells[index]), saved):
            return Sheet(_texts(cells[index]), cells[index + 1 :], index + 1, True, first_rows)
    index = header_row - 1 if header_row else 0
    headers = _texts(cells[index]) if index < len(cells) else []
    return Sheet(headers, cells[index + 1 :], index + 1, False, first_rows)


def _texts(row: list[Any]) -> list[str]:
    return [str(cell).strip() if _filled(cell) else "" for cell in row]


def _names_required(headers: list[str], saved: dict[str, str] | None) -> bool:
    return all(m.index is not None for m in match_columns(headers, saved) if m.required)


def read_cells(content: bytes, file_name: str, *, max_bytes: int) -> list[list[Any]]:
    """Every row of the first sheet of an .xlsx file, or of a CSV file, trailing blanks cut."""
    if len(content) > max_bytes:
        raise ValidationFailed(f"The file is larger than {max_bytes} bytes.", field="file")
    name = file_name.lower()
    if name.endswith(".xlsx"):
        if not content.startswith(XLSX_MAGIC):
            raise ValidationFailed("The file is not an .xlsx workbook.", field="file")
        _check_unzipped_size(content, max_bytes * MAX_EXPANSION)
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
            cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception:  # calamine raises several types for a damaged workbook
            raise ValidationFailed("The workbook cannot be read.", field="file") from None
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed("The CSV file is not UTF-8 text.", field="file") from None
        try:
            cells = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ValidationFailed(f"The CSV file cannot be read: {exc}.", field="file") from None
    else:
        raise ValidationFailed("Upload an .xlsx or .csv file.", field="file")
    while cells and not any(_filled(cell) for cell in cells[-1]):
        cells.pop()
    if not cells:
        raise ValidationFailed("The file is empty.", field="file")
    return cells


def _check_unzipped_size(content: bytes, limit: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ValidationFailed("The workbook cannot be read.", field="file") from None
    if unzipped > limit:
        raise ValidationFailed("The workbook is too large once unzipped.", field="file")


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def match_columns(headers: list[str], saved: dict[str, str] | None) -> list[ColumnMatch]:
    """Match each report field to a header: the saved mapping first, then known spellings."""
    positions = {normalise_header(h): i for i, h in reversed(list(enumerate(headers))) if h}
    found: dict[str, tuple[int, str]] = {}
    for name in FIELDS:
        wanted = normalise_header((saved or {}).get(name))
        if wanted in positions:
            found[name] = (positions[wanted], "saved")
    taken = {index for index, _ in found.values()}
    for name, (_, _, spellings) in FIELDS.items():
        if name in found:
            continue
        for spelling in spellings:
            if spelling in positions and positions[spelling] not in taken:
                found[name] = (positions[spelling], "recognised")
                taken.add(positions[spelling])
                break
    matches = []
    for name, (label, required, _) in FIELDS.items():
        index, source = found.get(name, (None, None))
        header = headers[index] if index is not None else None
        matches.append(ColumnMatch(name, label, required, header, index, source))
    return matches
