"""Per-request batch loaders for the ticket's nested fields (one statement per batch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pdms_core.plugin import SessionLoader, core_tables, group_by
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.models import InterestedParty, TicketEvent

LOOKUP_VALUE = core_tables.lookup_value
TEAM = core_tables.team


class LookupCodesLoader(SessionLoader[int, Any]):
    """(code, label, data) of lookup values by id."""

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label).where(
                LOOKUP_VALUE.c.id.in_(keys)
            )
        )
        return {row.id: row for row in rows}


class TeamNamesLoader(SessionLoader[int, Any]):
    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(TEAM.c.id, TEAM.c.code, TEAM.c.name).where(TEAM.c.id.in_(keys))
        )
        return {row.id: row for row in rows}


class EventsByTicketLoader(SessionLoader[int, list[Any]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        rows = await session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id.in_(keys))
            .order_by(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.id)
        )
        return group_by(rows, "ticket_id")


class PartiesByTicketLoader(SessionLoader[int, list[Any]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        rows = await session.scalars(
            select(InterestedParty)
            .where(InterestedParty.ticket_id.in_(keys))
            .order_by(InterestedParty.ticket_id, InterestedParty.id)
        )
        return group_by(rows, "ticket_id")
