"""Reading the module's lists by code, with typed errors for unknown codes."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import NotFound, ValidationFailed, lookup_values
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.lists import DEFAULT_RESPONSE_DAYS


async def value(session: AsyncSession, set_code: str, code: str, *, field: str, what: str) -> Any:
    """The active value ``code`` of list ``set_code``, or NOT_FOUND naming ``field``."""
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(f"Choose the {what}.", field=field)
    for row in await lookup_values(session, set_code):
        if row.code == code:
            return row
    raise NotFound(f"There is no such {what}.", field=field)


def response_days(area: Any) -> int:
    """A service area's response standard in working days (the seeded 10 when unset)."""
    days = (area.data or {}).get("response_days")
    return days if isinstance(days, int) and days > 0 else DEFAULT_RESPONSE_DAYS


def directorate(area: Any) -> str:
    return str((area.data or {}).get("directorate") or "")
