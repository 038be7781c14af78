"""Reading lookup values by list and code: what modules need to resolve seeded codes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.lookups.models import LookupSet, LookupValue


async def lookup_values(session: AsyncSession, set_code: str) -> list[Any]:
    """Active values of one list in list order, as rows of ``(id, code, label, data)``.

    Example::

        patches = {row.code: row.id for row in await lookup_values(session, "rent_arrears.patch")}
    """
    result = await session.execute(
        select(LookupValue.id, LookupValue.code, LookupValue.label, LookupValue.data)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == set_code, LookupValue.is_active)
        .order_by(LookupValue.sort_order, LookupValue.id)
    )
    return list(result)


async def lookup_id(session: AsyncSession, set_code: str, code: str) -> int | None:
    """The id of value ``code`` of list ``set_code`` (active or not), or None."""
    return await session.scalar(
        select(LookupValue.id)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == set_code, LookupValue.code == code)
    )
