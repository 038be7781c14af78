"""Per-request batch loaders for nested fields (one statement per batch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pdms_core.plugin import SessionLoader, core_tables
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions.statements import cached

LOOKUP_VALUE = core_tables.lookup_value
STAFF_USER = core_tables.staff_user
TEAM = core_tables.team


class CodesByIdLoader(SessionLoader[int, Any]):
    """(code, label) of lookup values by id."""

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        statement = cached(
            "codes_by_id",
            lambda: select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label).where(
                LOOKUP_VALUE.c.id.in_(bindparam("ids", expanding=True))
            ),
        )
        rows = await session.execute(statement, {"ids": list(keys)})
        return {row.id: row for row in rows}


class OfficerNamesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(STAFF_USER.c.id, STAFF_USER.c.display_name).where(STAFF_USER.c.id.in_(keys))
        )
        return {key: value for key, value in rows}


class TeamNamesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(select(TEAM.c.id, TEAM.c.name).where(TEAM.c.id.in_(keys)))
        return {key: value for key, value in rows}
