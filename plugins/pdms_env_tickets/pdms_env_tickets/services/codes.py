"""Reading the module's lists by code, with typed errors naming the input field."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pdms_core.plugin import NotFound, core_tables, lookup_values
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

LOOKUP_SET = core_tables.lookup_set
LOOKUP_VALUE = core_tables.lookup_value


async def values_by_code(session: AsyncSession, set_code: str) -> dict[str, Any]:
    """The active values of a list by code, read once per session (one unit of work or
    one request): a report reads the type, status and detail lists several times."""
    cache = session.info.setdefault("env_tickets_lists", {})
    if set_code not in cache:
        cache[set_code] = {row.code: row for row in await lookup_values(session, set_code)}
    return cache[set_code]


async def load_lists(session: AsyncSession, set_codes: Collection[str]) -> None:
    """Read several lists in one query into the session's cache (a report over Open311
    needs the type, status, channel and detail lists: one round trip instead of six)."""
    cache = session.info.setdefault("env_tickets_lists", {})
    wanted = [code for code in set_codes if code not in cache]
    if not wanted:
        return
    for code in wanted:
        cache[code] = {}
    rows = await session.execute(
        select(
            LOOKUP_SET.c.code.label("set_code"),
            LOOKUP_VALUE.c.id,
            LOOKUP_VALUE.c.code,
            LOOKUP_VALUE.c.label,
            LOOKUP_VALUE.c.data,
        )
        .join(LOOKUP_SET, LOOKUP_SET.c.id == LOOKUP_VALUE.c.set_id)
        .where(LOOKUP_SET.c.code.in_(wanted), LOOKUP_VALUE.c.is_active)
        .order_by(LOOKUP_SET.c.code, LOOKUP_VALUE.c.sort_order, LOOKUP_VALUE.c.id)
    )
    for row in rows:
        cache[row.set_code][row.code] = row


async def value(
    session: AsyncSession, set_code: str, code: str | None, *, field: str, what: str
) -> Any:
    """The active value ``code`` of ``set_code``; NOT_FOUND naming ``field`` otherwise."""
    found = (await values_by_code(session, set_code)).get((code or "").strip())
    if found is None:
        raise NotFound(f"There is no such {what}.", field=field)
    return found


def is_closed(status: Any) -> bool:
    return bool((status.data or {}).get("closed"))
