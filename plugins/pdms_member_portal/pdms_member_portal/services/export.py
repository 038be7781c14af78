"""The co-ordinators' export of the filtered list, as CSV or as an .xlsx workbook.

Both go through core's cell rule (``csv_cell``): text starting with = + - @ (or a tab
or carriage return) gets a leading quote, so a subject typed as a formula is shown,
never evaluated. In the workbook every text cell is also stored as a string cell:
openpyxl would otherwise store text starting with ``=`` as a formula.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from pdms_core.plugin import ValidationFailed, core_tables, csv_cell, csv_text
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.models import Enquiry, Member
from pdms_member_portal.services.clock import LONDON

LIMIT = 50_000
PERSON = core_tables.person
STAFF = core_tables.staff_user
VALUE = core_tables.lookup_value
HEADER = (
    "reference",
    "member",
    "resident",
    "enquiry_type",
    "contact_method",
    "service_area",
    "created",
    "status",
    "due_on",
    "responded_on",
    "subject",
)


async def rows(session: AsyncSession, statement: Select[Any]) -> list[tuple[Any, ...]]:
    chosen = statement.subquery()
    kind, area = VALUE.alias("kind"), VALUE.alias("area")
    resident = func.trim(
        func.coalesce(PERSON.c.forenames, "") + " " + func.coalesce(PERSON.c.surname, "")
    )
    result = await session.execute(
        select(
            Enquiry.reference,
            STAFF.c.display_name,
            resident,
            kind.c.label,
            Enquiry.contact_method,
            area.c.label,
            Enquiry.submitted_at,
            Enquiry.status,
            Enquiry.due_on,
            Enquiry.responded_on,
            Enquiry.subject,
        )
        .join(chosen, chosen.c.id == Enquiry.id)
        .join(Member, Member.id == Enquiry.member_id)
        .join(STAFF, STAFF.c.id == Member.user_id)
        .join(kind, kind.c.id == Enquiry.enquiry_type_id)
        .join(area, area.c.id == Enquiry.service_area_id)
        .outerjoin(PERSON, PERSON.c.id == Enquiry.person_id)
        .order_by(Enquiry.id.desc())
        .limit(LIMIT + 1)
    )
    found = [tuple(row) for row in result]
    if len(found) > LIMIT:
        raise ValidationFailed(
            f"More than {LIMIT:,} enquiries match; narrow the filters.", field="filters"
        )
    return [
        (*row[:6], row[6].astimezone(LONDON).strftime("%Y-%m-%d %H:%M"), *row[7:]) for row in found
    ]


def as_csv(found: list[tuple[Any, ...]]) -> str:
    return csv_text([HEADER, *found])


def as_xlsx(found: list[tuple[Any, ...]]) -> str:
    """The workbook, base64-encoded (GraphQL carries text)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Enquiries")
    sheet.append(list(HEADER))
    for row in found:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _cell(sheet: Any, value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    cell = WriteOnlyCell(sheet, value=csv_cell(value))
    cell.data_type = "s"
    return cell
