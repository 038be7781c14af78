"""Per-request batch loaders for the module's nested fields (one statement per batch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import SessionLoader, core_tables, group_by, lookup_values
from pdms_rent_arrears.models import Account, AccountWeek

LOOKUP_VALUE = core_tables.lookup_value
STAFF_USER = core_tables.staff_user


class AccountsByIdLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.scalars(select(Account).where(Account.id.in_(keys)))
        return {row.id: row for row in rows}


class WeeksByAccountLoader(SessionLoader[int, list[Any]]):
    """Every week of each account, newest first."""

    missing: list[Any] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        rows = await session.scalars(
            select(AccountWeek)
            .where(AccountWeek.account_id.in_(keys))
            .order_by(AccountWeek.account_id, AccountWeek.report_date.desc())
        )
        return group_by(rows, "account_id")


class LatestWeekByAccountLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        latest = (
            select(AccountWeek.account_id, func.max(AccountWeek.report_date).label("day"))
            .where(AccountWeek.account_id.in_(keys))
            .group_by(AccountWeek.account_id)
            .subquery()
        )
        rows = await session.scalars(
            select(AccountWeek).join(
                latest,
                (latest.c.account_id == AccountWeek.account_id)
                & (latest.c.day == AccountWeek.report_date),
            )
        )
        return {row.account_id: row for row in rows}


class LookupCodesLoader(SessionLoader[int, Any]):
    """(code, label) of lookup values by id."""

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label).where(
                LOOKUP_VALUE.c.id.in_(keys)
            )
        )
        return {row.id: row for row in rows}


class OfficerNamesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(STAFF_USER.c.id, STAFF_USER.c.display_name).where(STAFF_USER.c.id.in_(keys))
        )
        return {officer_id: name for officer_id, name in rows}


class ListLoader(SessionLoader[str, list[Any]]):
    """A module list's active values (profile rules, the action cascade), once per request."""

    missing: list[Any] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[str]
    ) -> Mapping[str, Sequence[Any]]:
        return {key: await lookup_values(session, key) for key in keys}
