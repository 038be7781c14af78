"""Dataloaders for lookup lists and values."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.loaders import SessionLoader, group_by
from pdms_core.db.read_rows import read_columns, read_rows
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


class AllLookupValuesLoader(SessionLoader[int, LookupValue | None]):
    """Every lookup value, read once per request with one statement.

    Lookup lists are small (hundreds of rows) and nearly every record shows a few
    values (status, type, role ...). Reading them all at once makes the number of
    statements independent of which fields a query asks for and of when each field's
    parent batch happens to finish.
    """

    def __init__(self, *args: object, **params: object):
        super().__init__(*args, **params)
        self._everything: asyncio.Future[dict[int, LookupValue]] | None = None

    def ready(self) -> dict[int, LookupValue] | None:
        """Every value by id once this request has read them; None before that."""
        everything = self._everything
        if everything is None or not everything.done() or everything.exception():
            return None
        return everything.result()

    async def batch_load_fn(self, keys: Sequence[int]) -> list[LookupValue | None]:
        if self._everything is None:
            self._everything = asyncio.ensure_future(self._read_all())
        rows = await self._everything
        return [rows.get(key) for key in keys]

    async def _read_all(self) -> dict[int, LookupValue]:
        result = await self.read(select(*read_columns(LookupValue)))
        return {row.id: row for row in read_rows(LookupValue, result)}
