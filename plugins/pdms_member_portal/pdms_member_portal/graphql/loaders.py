"""Per-request batch loaders for an enquiry's nested fields (one statement per batch).

Loaders of the module's own rows apply the caller's row rule (``access.py``): a member
never loads another's notes through a nested field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pdms_core.plugin import SessionLoader, core_tables, group_by, restrict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.models import Entry, Member, Officer

VALUE = core_tables.lookup_value
STAFF = core_tables.staff_user
PERSON = core_tables.person
PLACE = core_tables.place


class LookupValuesLoader(SessionLoader[int, Any]):
    """(id, code, label, data) of lookup values by id."""

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(VALUE.c.id, VALUE.c.code, VALUE.c.label, VALUE.c.data).where(
                VALUE.c.id.in_(keys)
            )
        )
        return {row.id: row for row in rows}


class StaffNamesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(STAFF.c.id, STAFF.c.display_name).where(STAFF.c.id.in_(keys))
        )
        return {row.id: row.display_name for row in rows}


class MembersByIdLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(Member, STAFF.c.display_name)
            .join(STAFF, STAFF.c.id == Member.user_id)
            .where(Member.id.in_(keys))
        )
        return {member.id: (member, name) for member, name in rows}


class ResidentNamesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(PERSON.c.id, PERSON.c.forenames, PERSON.c.surname).where(PERSON.c.id.in_(keys))
        )
        return {row.id: " ".join(filter(None, (row.forenames, row.surname))) for row in rows}


class AddressesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(PLACE.c.id, PLACE.c.uprn, PLACE.c.single_line_address).where(
                PLACE.c.id.in_(keys)
            )
        )
        return {row.id: row for row in rows}


class EntriesByEnquiryLoader(SessionLoader[int, list[Any]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        statement = select(Entry).where(Entry.enquiry_id.in_(keys))
        rows = await session.scalars(
            restrict(statement, Entry, self.actor).order_by(Entry.enquiry_id, Entry.at, Entry.id)
        )
        return group_by(rows, "enquiry_id")


class OfficersByEnquiryLoader(SessionLoader[int, list[Any]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        statement = (
            select(Officer.enquiry_id, Officer.user_id, Officer.is_lead, STAFF.c.display_name)
            .join(STAFF, STAFF.c.id == Officer.user_id)
            .where(Officer.enquiry_id.in_(keys))
        )
        rows = await session.execute(
            restrict(statement, Officer, self.actor).order_by(
                Officer.enquiry_id, Officer.is_lead.desc(), Officer.id
            )
        )
        return group_by(rows, "enquiry_id")
