"""Partner API keys for module tests (a module's own HTTP routes check them)."""

from __future__ import annotations

from typing import Any

from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.apikeys import create_api_key


async def partner_key(
    database: Any,
    host: Any,
    *permissions: str,
    agency: str = "police",
    name: str = "Test feed",
    per_minute: int = 600,
) -> str:
    """The secret of a new key holding ``permissions``, issued by the system to ``agency``
    (a code of the ``partner_agency`` list, which must be synced first), allowed
    ``per_minute`` requests a minute."""
    async with database.sessionmaker() as session, session.begin():
        made = await create_api_key(
            session,
            SYSTEM,
            name=name,
            agency_code=agency,
            permissions=list(permissions),
            read_only=all(code.endswith(".read") for code in permissions),
            expires_at=None,
            rate_limit_per_minute=per_minute,
            declared={p.code for p in host.permissions},
        )
    return made.secret
