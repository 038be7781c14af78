"""Reading the module's lists by code, with typed errors naming the input field."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import NotFound, lookup_values
from sqlalchemy.ext.asyncio import AsyncSession


async def values_by_code(session: AsyncSession, set_code: str) -> dict[str, Any]:
    """The active values of a list by code, read once per session (one unit of work or
    one request): a report reads the type, status and detail lists several times."""
    cache = session.info.setdefault("env_tickets_lists", {})
    if set_code not in cache:
        cache[set_code] = {row.code: row for row in await lookup_values(session, set_code)}
    return cache[set_code]


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
