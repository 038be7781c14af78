"""Checking a report before anything is written: header, columns, rows, patches, and
how its week fits the weeks already imported.

The preview and the import run the same checks, so the preview shows exactly what an
import would do (the patches it would create, the warnings it would give) or refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import ValidationFailed, lookup_id, lookup_values, today
from pdms_rent_arrears.lists import PATCH
from pdms_rent_arrears.models import Account, AccountWeek, ColumnMapping, ReportImport
from pdms_rent_arrears.reading import ColumnMatch, match_columns, read_sheet
from pdms_rent_arrears.validation import ReportRow, RowError, check_rows, patch_key

MAPPING_NAME = "default"
CREATE, REFUSE = "create", "refuse"
#: A gap this long between report dates means at least one weekly report is missing
#: (a report run a day or two late is not a missing week).
MISSING_AFTER = timedelta(days=14)
SAMPLE_ROWS = 5

MISSING_WEEK = "MISSING_WEEK"
OUT_OF_ORDER = "OUT_OF_ORDER"
SAME_AS_PREVIOUS = "SAME_AS_PREVIOUS"


@dataclass(frozen=True)
class ImportWarning:
    """Something about the report's week worth a look; it does not stop the import."""

    code: str
    message: str


@dataclass
class Checked:
    """A report read and checked, not yet written."""

    columns: list[ColumnMatch]
    headers: list[str]
    rows: list[ReportRow]
    errors: list[RowError]
    sample: list[list[Any]] = field(default_factory=list)
    header_row: int = 1
    header_found: bool = True
    first_rows: list[list[str]] = field(default_factory=list)
    #: Patches the report names that are not patch values yet: created on import.
    new_patches: list[str] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    #: Later report dates already imported, derived again after this one is written.
    later_weeks: list[date] = field(default_factory=list)


async def saved_mapping(session: AsyncSession) -> ColumnMapping | None:
    return await session.scalar(select(ColumnMapping).where(ColumnMapping.name == MAPPING_NAME))


async def check_report(
    session: AsyncSession,
    *,
    content: bytes,
    file_name: str,
    report_date: date,
    max_bytes: int,
    unknown_patches: str = CREATE,
) -> Checked:
    """Read the file, find its header, match its columns and check every row."""
    if report_date > today():
        raise ValidationFailed("The report date cannot be in the future.", field="reportDate")
    mapping = await saved_mapping(session)
    saved = mapping.columns if mapping else None
    sheet = read_sheet(
        content,
        file_name,
        max_bytes=max_bytes,
        saved=saved,
        header_row=mapping.header_row if mapping else None,
    )
    columns = match_columns(sheet.headers, saved)
    checked = Checked(
        columns,
        sheet.headers,
        [],
        [],
        [list(row) for row in sheet.rows[:SAMPLE_ROWS]],
        sheet.header_row,
        sheet.header_found,
        sheet.first_rows,
    )
    checked.errors = [
        RowError(sheet.header_row, c.label, "no column matches this required field")
        for c in columns
        if c.required and c.index is None
    ]
    if checked.errors:
        return checked
    patches = {}
    for row in await lookup_values(session, PATCH):
        patches[patch_key(row.label)] = row.id
        patches[patch_key(row.code)] = row.id
    rows, errors, unknown = check_rows(
        sheet.rows,
        columns,
        report_date=report_date,
        patches=patches,
        first_row=sheet.header_row + 1,
    )
    unknown = await _still_unknown(session, rows, unknown)
    if unknown and unknown_patches == REFUSE:
        label = next(c.label for c in columns if c.field == "patch")
        errors += [
            RowError(
                numbers[0],
                label,
                f"unknown patch {name!r} on {len(numbers)} row(s): {row_ranges(numbers)}",
            )
            for name, numbers in unknown.items()
        ]
        errors.sort(key=lambda e: e.row)
    if not rows and not errors:
        errors = [RowError(sheet.header_row + 1, None, "the report has no rows")]
    checked.rows, checked.errors, checked.new_patches = rows, errors, list(unknown)
    if not errors:
        checked.warnings, checked.later_weeks = await _week_warnings(session, report_date, rows)
    return checked


async def _still_unknown(
    session: AsyncSession, rows: list[ReportRow], unknown: dict[str, list[int]]
) -> dict[str, list[int]]:
    """Unknown patches, less those matching a deactivated value (which the rows then use)."""
    inactive = {}
    for name in unknown:
        value_id = await lookup_id(session, PATCH, patch_key(name)[:100])
        if value_id is not None:
            inactive[name] = value_id
    for row in rows:
        if row.new_patch in inactive:
            row.patch_id, row.new_patch = inactive[row.new_patch], None
    return {name: numbers for name, numbers in unknown.items() if name not in inactive}


def row_ranges(numbers: list[int]) -> str:
    """Row numbers as short ranges: 2-2001, 2005 (one error, not one per row)."""
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


async def _week_warnings(
    session: AsyncSession, report_date: date, rows: list[ReportRow]
) -> tuple[list[ImportWarning], list[date]]:
    """A missing week before this one, later weeks already imported, a repeated file."""
    warnings = []
    before = await session.scalar(
        select(func.max(ReportImport.report_date)).where(ReportImport.report_date < report_date)
    )
    if before is not None and report_date - before >= MISSING_AFTER:
        missing = round((report_date - before).days / 7) - 1
        warnings.append(
            ImportWarning(
                MISSING_WEEK,
                f"No report is imported between {before.isoformat()} and "
                f"{report_date.isoformat()} (about {missing} week(s) missing): this week "
                f"is compared with {before.isoformat()}.",
            )
        )
    later = list(
        await session.scalars(
            select(ReportImport.report_date)
            .where(ReportImport.report_date > report_date)
            .order_by(ReportImport.report_date)
        )
    )
    if later:
        warnings.append(
            ImportWarning(
                OUT_OF_ORDER,
                "Later weeks are already imported; they are derived again after this one: "
                + ", ".join(day.isoformat() for day in later)
                + ".",
            )
        )
    if before is not None and await _same_figures(session, before, rows):
        warnings.append(
            ImportWarning(
                SAME_AS_PREVIOUS,
                f"Every account, balance and rent is the same as in the report of "
                f"{before.isoformat()}: is this that week's file under a new date?",
            )
        )
    return warnings, later


async def _same_figures(session: AsyncSession, before: date, rows: list[ReportRow]) -> bool:
    count = await session.scalar(
        select(ReportImport.row_count).where(ReportImport.report_date == before)
    )
    if count != len(rows):
        return False
    previous = {
        tuple(row)
        for row in await session.execute(
            select(Account.reference, AccountWeek.balance_pence, AccountWeek.weekly_rent_pence)
            .join(Account, Account.id == AccountWeek.account_id)
            .where(AccountWeek.report_date == before)
        )
    }
    return previous == {(r.reference, r.balance_pence, r.weekly_rent_pence) for r in rows}
