"""Core tables this module reads, reached through the shared metadata (no private imports)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import Base

T = TypeVar("T")

LOOKUP_SET = Base.metadata.tables["lookup_set"]
LOOKUP_VALUE = Base.metadata.tables["lookup_value"]
EXTERNAL_REFERENCE = Base.metadata.tables["external_reference"]
PLACE = Base.metadata.tables["place"]
PERSON = Base.metadata.tables["person"]
STAFF_USER = Base.metadata.tables["staff_user"]

#: Bound parameters per IN list: well under SQLite's and asyncpg's limits.
CHUNK = 5000


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def lookup_values(session: AsyncSession, set_code: str) -> list[Any]:
    """Active values of one list in list order: rows of (id, code, label, data)."""
    result = await session.execute(
        select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label, LOOKUP_VALUE.c.data)
        .join(LOOKUP_SET, LOOKUP_SET.c.id == LOOKUP_VALUE.c.set_id)
        .where(LOOKUP_SET.c.code == set_code, LOOKUP_VALUE.c.is_active)
        .order_by(LOOKUP_VALUE.c.sort_order, LOOKUP_VALUE.c.id)
    )
    return list(result)


async def lookup_id(session: AsyncSession, set_code: str, code: str) -> int | None:
    return await session.scalar(
        select(LOOKUP_VALUE.c.id)
        .join(LOOKUP_SET, LOOKUP_SET.c.id == LOOKUP_VALUE.c.set_id)
        .where(LOOKUP_SET.c.code == set_code, LOOKUP_VALUE.c.code == code)
    )
