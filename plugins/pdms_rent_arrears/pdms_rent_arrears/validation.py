"""Checking every row of a report: typed values or a (row, column, reason) error each.

Row numbers are the spreadsheet's own (the header is row 1), so an officer can find the
cell. Every row is checked even after the first error, so one upload lists them all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pdms_rent_arrears.reading import ColumnMatch

MAX_REFERENCE = 40
MAX_NAME = 200
MAX_ADDRESS = 500
TRUE_WORDS = {"y", "yes", "true", "1", "uc", "x"}
FALSE_WORDS = {"", "n", "no", "false", "0"}
#: Largest amount accepted (£10m): money columns are 32-bit pence in the database.
MAX_PENCE = 1_000_000_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    reason: str


@dataclass
class ReportRow:
    row: int
    reference: str
    weekly_rent_pence: int
    balance_pence: int
    tenant_name: str = ""
    address: str = ""
    uprn: int | None = None
    last_payment_on: date | None = None
    last_payment_pence: int | None = None
    universal_credit: bool = False
    patch_id: int | None = None
    #: The patch as the report names it, when it is not (yet) a known patch value.
    new_patch: str | None = None


class _Bad(Exception):
    """A cell that cannot be read; the message is the reason shown to the officer."""


def money_pence(value: Any) -> int | None:
    """Pounds (a number, or text such as "£1,234.56" or "(12.50)") as whole pence."""
    pence = _pence(value)
    if pence is not None and abs(pence) > MAX_PENCE:
        raise _Bad(f"{value!r} is more than £{MAX_PENCE // 100:,}")
    return pence


def _pence(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Bad(f"{value!r} is not an amount of money")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(f"{value!r} is not an amount of money")
        if abs(value) > MAX_PENCE:
            raise _Bad(f"{value!r} is more than £{MAX_PENCE // 100:,}")
        # Spreadsheet money has at most two decimals, so x * 100 lies within rounding
        # error of a whole number of pence.
        return round(value * 100)
    text = str(value).strip().replace(",", "").replace("£", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    try:
        amount = Decimal(text.strip("()"))
    except InvalidOperation:
        raise _Bad(f"{str(value).strip()!r} is not an amount of money") from None
    if negative:
        amount = -amount
    if not amount.is_finite() or abs(amount) > MAX_PENCE:
        raise _Bad(f"{str(value).strip()!r} is not an amount of money up to £{MAX_PENCE // 100:,}")
    return int((amount * 100).quantize(Decimal(1)))


def day(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _Bad(f"{text!r} is not a date (use 2026-01-31 or 31/01/2026)")


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise _Bad(f"{str(value).strip()!r} is not yes or no")


def text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = " ".join(str(value).split())
    if len(cleaned) > limit:
        raise _Bad(f"longer than {limit} characters")
    return cleaned


def uprn(value: Any) -> int | None:
    cleaned = text(value, 20)
    if not cleaned:
        return None
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise _Bad(f"{cleaned!r} is not a UPRN (up to 12 digits)")
    return int(cleaned)


def _reference(value: Any) -> str:
    return text(value, MAX_REFERENCE).upper()


CONVERTERS = {
    "account_reference": _reference,
    "tenant_name": lambda v: text(v, MAX_NAME),
    "address": lambda v: text(v, MAX_ADDRESS),
    "uprn": uprn,
    "weekly_rent": money_pence,
    "balance": money_pence,
    "last_payment_date": day,
    "last_payment_amount": money_pence,
    "universal_credit": flag,
    "patch": lambda v: text(v, 100),
}


def patch_key(name: str) -> str:
    """How patch names compare: case, spacing and punctuation ignored ("Far-North")."""
    return "_".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def _filled(cell: Any) -> bool:
    # Numbers and dates are never blank; only text needs stripping.
    return cell.strip() != "" if type(cell) is str else cell is not None


def check_rows(
    rows: list[list[Any]],
    columns: list[ColumnMatch],
    *,
    report_date: date,
    patches: Mapping[str, int],
    first_row: int = 2,
) -> tuple[list[ReportRow], list[RowError], dict[str, list[int]]]:
    """Typed rows, every problem found, and the unknown patches with the rows naming
    them (by the first spelling seen). ``patches`` maps a :func:`patch_key` of a code or
    label; ``first_row`` is the spreadsheet number of the first data row.
    """
    at = {c.field: (c.index, c.label) for c in columns if c.index is not None}
    parsed: list[ReportRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    unknown: dict[str, list[int]] = {}
    spelling: dict[str, str] = {}
    label = {name: column_label for name, (_, column_label) in at.items()}
    # (field, column index, column label, converter) for the columns present, built once.
    plan = [(name, *at[name], convert) for name, convert in CONVERTERS.items() if name in at]
    # A report names a handful of patches on every row: each spelling is keyed once.
    keys: dict[str, str] = {}

    for offset, cells in enumerate(rows):
        number = offset + first_row
        if not any(_filled(cell) for cell in cells):
            continue  # blank lines between blocks are common in exported reports
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []

        for name, index, column_name, convert in plan:
            try:
                values[name] = convert(cells[index] if index < len(cells) else None)
            except _Bad as exc:
                row_errors.append(RowError(number, column_name, str(exc)))

        reference = values.get("account_reference")
        if "account_reference" in values and not reference:
            row_errors.append(RowError(number, label["account_reference"], "missing"))
        elif reference:
            if reference in first_row_of:
                row_errors.append(
                    RowError(
                        number,
                        label["account_reference"],
                        f"account {reference} is also on row {first_row_of[reference]}",
                    )
                )
            else:
                first_row_of[reference] = number
        rent = values.get("weekly_rent")
        if "weekly_rent" in values and (rent is None or rent <= 0):
            row_errors.append(RowError(number, label["weekly_rent"], "must be more than zero"))
        if "balance" in values and values["balance"] is None:
            row_errors.append(RowError(number, label["balance"], "missing"))
        paid_on = values.get("last_payment_date")
        if paid_on is not None and paid_on > report_date:
            row_errors.append(RowError(number, label["last_payment_date"], "after the report date"))
        patch_id = new_patch = None
        if values.get("patch"):
            key = keys.get(values["patch"]) or keys.setdefault(
                values["patch"], patch_key(values["patch"])
            )
            patch_id = patches.get(key)
            if patch_id is None and key:
                # Unknown patches are the caller's to create or refuse, once per patch.
                new_patch = spelling.setdefault(key, values["patch"])
                unknown.setdefault(new_patch, []).append(number)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            ReportRow(
                row=number,
                reference=reference,
                weekly_rent_pence=rent,
                balance_pence=values["balance"],
                tenant_name=values.get("tenant_name", ""),
                address=values.get("address", ""),
                uprn=values.get("uprn"),
                last_payment_on=paid_on,
                last_payment_pence=values.get("last_payment_amount"),
                universal_credit=values.get("universal_credit", False),
                patch_id=patch_id,
                new_patch=new_patch,
            )
        )
    return parsed, errors, unknown
