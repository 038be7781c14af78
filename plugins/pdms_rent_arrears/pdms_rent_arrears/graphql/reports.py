"""Types of checking, importing and removing a weekly report."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from pdms_core.plugin import UserErrorType
from pdms_rent_arrears.graphql.types import (
    RentArrearsCode,
    RentArrearsColumnMatch,
    RentArrearsReport,
    RentArrearsRowError,
    columns_type,
    row_errors_type,
)


@strawberry.type(description="Something about a report worth a look; it does not stop the import.")
class RentArrearsImportWarning:
    code: str = strawberry.field(
        description="MISSING_WEEK (no report for a week before this one), OUT_OF_ORDER "
        "(later weeks already imported, derived again) or SAME_AS_PREVIOUS (every figure "
        "equals the previous report's: a wrong file under a new date?)."
    )
    message: str = strawberry.field(description="What was found, in plain English.")


def warnings_type(warnings: Any) -> list[RentArrearsImportWarning]:
    return [RentArrearsImportWarning(code=w.code, message=w.message) for w in warnings]


def _texts(rows: Any) -> list[list[str]]:
    return [["" if c is None else str(c) for c in row] for row in rows]


@strawberry.input(
    description="A weekly report file to import: send it as `file` in a multipart request "
    "(GraphQL multipart request spec), or base64-encoded in `contentBase64` (small files "
    "only: a JSON request body is limited to PDMS_MAX_BODY_BYTES)."
)
class RentArrearsImportInput:
    file_name: str = strawberry.field(description="The file's name (.xlsx or .csv).")
    file: Upload | None = strawberry.field(
        default=None, description="The file, uploaded as a part of a multipart request."
    )
    content_base64: str | None = strawberry.field(
        default=None, description="Or the file's bytes, base64-encoded."
    )
    report_date: date = strawberry.field(description="The week the report is for.")
    replace: bool = strawberry.field(
        default=False, description="Replace that week's earlier import (otherwise DUPLICATE)."
    )


@strawberry.type(description="Result of importing a report: all rows or none.")
class RentArrearsImportPayload:
    report: RentArrearsReport | None = strawberry.field(
        description="The imported report; null when nothing was imported."
    )
    columns: list[RentArrearsColumnMatch] = strawberry.field(
        description="How the columns were matched."
    )
    row_errors: list[RentArrearsRowError] = strawberry.field(
        description="Every row problem; any one of them means nothing was imported."
    )
    accounts_created: int = strawberry.field(description="Accounts seen for the first time.")
    unlinked_accounts: int = strawberry.field(
        description="Accounts of this report not yet linked to a person or a place."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was imported.")
    header_row: int | None = strawberry.field(
        default=None, description="The spreadsheet row read as the header (1 = the first)."
    )
    first_rows: list[list[str]] = strawberry.field(
        default_factory=list,
        description="When no row names every required column: the file's first rows as "
        "read, to see why (a title block, other headers). Empty otherwise.",
    )
    patches_created: list[RentArrearsCode] = strawberry.field(
        default_factory=list,
        description="Patches the report named that were added to the patch list.",
    )
    warnings: list[RentArrearsImportWarning] = strawberry.field(
        default_factory=list,
        description="How the week fits the weeks already imported: missing or later weeks, "
        "figures identical to the previous report.",
    )


def import_payload(outcome: Any) -> RentArrearsImportPayload:
    report, checked = outcome.report, outcome.checked
    return RentArrearsImportPayload(
        report=RentArrearsReport(
            report_date=report.report_date, file_name=report.file_name, row_count=report.row_count
        )
        if report
        else None,
        columns=columns_type(outcome.columns),
        row_errors=row_errors_type(outcome.errors),
        accounts_created=outcome.accounts_created,
        unlinked_accounts=outcome.unlinked,
        errors=[],
        header_row=checked.header_row if checked else None,
        first_rows=_texts(checked.first_rows) if checked and not checked.header_found else [],
        patches_created=[RentArrearsCode(code=c, label=lab) for c, lab in outcome.patches_created],
        warnings=warnings_type(outcome.warnings),
    )


@strawberry.type(description="What an import of a file would do, without importing it.")
class RentArrearsPreview:
    headers: list[str] = strawberry.field(description="The file's column headers.")
    columns: list[RentArrearsColumnMatch] = strawberry.field(
        description="How each report field was matched."
    )
    row_count: int = strawberry.field(description="Data rows that passed the checks.")
    sample_rows: list[list[str]] = strawberry.field(description="The first rows, as text.")
    row_errors: list[RentArrearsRowError] = strawberry.field(
        description="Every problem an import would refuse."
    )
    header_row: int = strawberry.field(
        description="The spreadsheet row read as the header: the saved mapping's, else the "
        "first of the top 20 rows naming every required column (else 1)."
    )
    header_found: bool = strawberry.field(
        description="Whether that row names every required column."
    )
    first_rows: list[list[str]] = strawberry.field(
        description="The file's first rows as read (up to 10), title block included."
    )
    new_patches: list[str] = strawberry.field(
        description="Patches the report names that are not on the patch list: an import "
        "adds them (or refuses them, where the council's settings say so)."
    )
    warnings: list[RentArrearsImportWarning] = strawberry.field(
        description="How the week fits the weeks already imported."
    )


def preview_type(checked: Any) -> RentArrearsPreview:
    return RentArrearsPreview(
        headers=checked.headers,
        columns=columns_type(checked.columns),
        row_count=len(checked.rows),
        sample_rows=_texts(checked.sample),
        row_errors=row_errors_type(checked.errors),
        header_row=checked.header_row,
        header_found=checked.header_found,
        first_rows=_texts(checked.first_rows),
        new_patches=checked.new_patches,
        warnings=warnings_type(checked.warnings),
    )


@strawberry.type(description="Result of removing a wrongly imported week.")
class RentArrearsRemoveWeekPayload:
    removed: RentArrearsReport | None = strawberry.field(
        description="The import removed; null when nothing was removed."
    )
    rederived_weeks: list[date] = strawberry.field(
        description="Later report dates whose segments were derived again."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was removed.")
