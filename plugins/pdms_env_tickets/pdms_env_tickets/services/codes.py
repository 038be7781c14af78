"""Reading the module's lists by code, with typed errors naming the input field."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import NotFound, lookup_values
from sqlalchemy.ext.asyncio import AsyncSession


async def values_by_code(session: AsyncSession, set_code: str) -> dict[str, Any]:
    return {row.code: row for row in await lookup_values(session, set_code)}


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
