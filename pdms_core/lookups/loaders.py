"""Dataloaders for lookup lists and values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.loaders import SessionLoader, group_by
from pdms_core.lookups.models import LookupValue


class LookupValuesBySetLoader(SessionLoader[int, list[LookupValue]]):
    """Values of many lists, in their configured order; ``include_inactive`` is a param."""

    missing: list[LookupValue] = []

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, list[LookupValue]]:
        statement = select(LookupValue).where(LookupValue.set_id.in_(keys))
        if not self.params.get("include_inactive"):
            statement = statement.where(LookupValue.is_active.is_(True))
        rows = await session.scalars(statement.order_by(LookupValue.sort_order, LookupValue.id))
        return group_by(rows, "set_id")
