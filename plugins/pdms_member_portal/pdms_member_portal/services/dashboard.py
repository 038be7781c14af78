"""The dashboards: one filtered statement within the caller's reach, its counts and
its first page. Co-ordinators filter it; a member's own dashboard is the same
statement narrowed by the row rule to their enquiries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pdms_core.plugin import Actor, core_tables, lookup_values, restrict
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.lists import ENQUIRY_TYPE, SERVICE_AREA, WARD
from pdms_member_portal.models import OPEN_STATUSES, STATUSES, Enquiry, Member
from pdms_member_portal.services.codes import directorate

PERSON = core_tables.person
IN_PROGRESS = ("acknowledged", "in_progress", "reopened")
COMPLETED = ("responded", "closed")


@dataclass
class Filters:
    enquiry_type: str | None = None
    reference: str | None = None
    service_area: str | None = None
    surname: str | None = None
    directorate: str | None = None
    member_email: str | None = None
    division: str | None = None
    status: str | None = None
    overdue: bool = False
    due_today: bool = False


@dataclass(frozen=True)
class Counts:
    new: int
    in_progress: int
    completed: int
    overdue: int
    due_today: int


async def _ids(session: AsyncSession, set_code: str, code: str) -> list[int]:
    return [row.id for row in await lookup_values(session, set_code) if row.code == code]


async def filtered(session: AsyncSession, actor: Actor, f: Filters, on: date) -> Select[Any]:
    """``select(Enquiry)`` narrowed by the filters and the caller's row rule. An unknown
    code matches nothing (a filter never widens the list)."""
    statement = select(Enquiry)
    clauses: list[Any] = []
    if f.enquiry_type:
        clauses.append(
            Enquiry.enquiry_type_id.in_(await _ids(session, ENQUIRY_TYPE, f.enquiry_type))
        )
    if f.service_area:
        clauses.append(
            Enquiry.service_area_id.in_(await _ids(session, SERVICE_AREA, f.service_area))
        )
    if f.directorate:
        wanted = f.directorate.strip().casefold()
        areas = [
            row.id
            for row in await lookup_values(session, SERVICE_AREA)
            if directorate(row).casefold() == wanted
        ]
        clauses.append(Enquiry.service_area_id.in_(areas))
    if f.division:
        clauses.append(Enquiry.ward_id.in_(await _ids(session, WARD, f.division)))
    if f.reference:
        clauses.append(Enquiry.reference == f.reference.strip().upper())
    if f.surname:
        people = select(PERSON.c.id).where(
            func.lower(PERSON.c.surname) == f.surname.strip().lower()
        )
        clauses.append(Enquiry.person_id.in_(people))
    if f.member_email:
        members = select(Member.id).where(
            func.lower(Member.email) == f.member_email.strip().lower()
        )
        clauses.append(Enquiry.member_id.in_(members))
    if f.status:
        clauses.append(Enquiry.status == (f.status if f.status in STATUSES else "-"))
    if f.overdue:
        clauses.append(and_(Enquiry.status.in_(OPEN_STATUSES), Enquiry.due_on < on))
    if f.due_today:
        clauses.append(and_(Enquiry.status.in_(OPEN_STATUSES), Enquiry.due_on == on))
    return restrict(statement.where(*clauses), Enquiry, actor)


async def counts(session: AsyncSession, statement: Select[Any], on: date) -> Counts:
    """Counts of the filtered enquiries: one grouped statement over two narrow columns
    (an index-only scan on PostgreSQL when unfiltered)."""
    rows = statement.with_only_columns(Enquiry.status, Enquiry.due_on).subquery()
    late = func.coalesce(func.sum(case((rows.c.due_on < on, 1), else_=0)), 0)
    today_ = func.coalesce(func.sum(case((rows.c.due_on == on, 1), else_=0)), 0)
    by_status = {
        status: (int(n), int(overdue), int(due))
        for status, n, overdue, due in await session.execute(
            select(rows.c.status, func.count(), late, today_).group_by(rows.c.status)
        )
    }

    def total(statuses: tuple[str, ...], part: int = 0) -> int:
        return sum(by_status.get(status, (0, 0, 0))[part] for status in statuses)

    return Counts(
        new=total(("new",)),
        in_progress=total(IN_PROGRESS),
        completed=total(COMPLETED),
        overdue=total(OPEN_STATUSES, 1),
        due_today=total(OPEN_STATUSES, 2),
    )
