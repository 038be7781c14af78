"""Reading a contractor's return: the first sheet of an .xlsx workbook, or a CSV file.

python-calamine reads .xlsx (core's dependency); CSV goes through the standard library.
A workbook is refused before it is opened when it is not a zip, or would unzip to far more
than the upload limit (a zip bomb).
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from pdms_core.plugin import ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"
MAX_EXPANSION = 20


def read_rows(content: bytes, file_name: str, *, max_bytes: int) -> list[list[Any]]:
    """Every row of the file, trailing blank rows cut; VALIDATION on ``file`` otherwise."""
    if len(content) > max_bytes:
        raise ValidationFailed(f"The file is larger than {max_bytes} bytes.", field="file")
    name = file_name.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx(content, max_bytes)
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed("The CSV file is not UTF-8 text.", field="file") from None
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ValidationFailed(f"The CSV file cannot be read: {exc}.", field="file") from None
    else:
        raise ValidationFailed("Send an .xlsx or .csv file.", field="file")
    while rows and not any(_filled(cell) for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationFailed("The file is empty.", field="file")
    return rows


def _xlsx(content: bytes, max_bytes: int) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    if not content.startswith(XLSX_MAGIC):
        raise ValidationFailed("The file is not an .xlsx workbook.", field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ValidationFailed("The workbook cannot be read.", field="file") from None
    if unzipped > max_bytes * MAX_EXPANSION:
        raise ValidationFailed("The workbook is too large once unzipped.", field="file")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises several types for a damaged workbook
        raise ValidationFailed("The workbook cannot be read.", field="file") from None


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""
