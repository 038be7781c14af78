"""``/ready``: whether this process should receive traffic, in plain words.

``/health`` (liveness) answers whether the process works at all; a process whose
database lags the code's migrations works but would fail on the first query of a
new column, so it stays out of the load balancer until ``pdms db upgrade`` has run.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.db.engine import Database
from pdms_core.host import PluginHost
from pdms_core.ratelimit import Limiter

log = logging.getLogger("pdms.readiness")

DATABASE_UNAVAILABLE = "the database is unavailable"
REDIS_UNAVAILABLE = "the rate-limit store (Redis) is unavailable"


class Readiness:
    """The checks behind ``/ready``: one small query, and a Redis ping when configured."""

    def __init__(self, host: PluginHost, database: Database, limiter: Limiter):
        self.host = host
        self.database = database
        self.limiter = limiter
        self._heads: dict[str, frozenset[str]] | None = None

    async def load_heads(self) -> dict[str, frozenset[str]]:
        """Each enabled branch's head, as the version-table rows that show it has run
        (``migrations.head_markers``), read from the scripts once per process."""
        if self._heads is None:
            from pdms_core.db import migrations  # alembic: only servers need it

            # Reading the revision scripts is file work (and, with a dormant plugin,
            # a query on a loop of its own): off the event loop.
            self._heads = await asyncio.to_thread(migrations.head_markers, self.host)
        return self._heads

    async def reasons(self) -> list[str]:
        """Why this process is not ready; empty when it is. Never an address or SQL."""
        reasons = []
        try:
            async with self.database.engine.connect() as connection:
                applied = await _applied_revisions(connection)
            behind = [
                label for label, marks in (await self.load_heads()).items() if not marks & applied
            ]
        except Exception as exc:  # the probe must answer, whatever broke
            log.warning("readiness check failed: %s", type(exc).__name__)
            reasons.append(DATABASE_UNAVAILABLE)
        else:
            if behind:
                reasons.append(
                    "database migrations are not up to date for "
                    + ", ".join(behind)
                    + " (run 'pdms db upgrade')"
                )
        if await self.limiter.store_state() == "unavailable":
            reasons.append(REDIS_UNAVAILABLE)
        return reasons


async def _applied_revisions(connection: AsyncConnection) -> set[str]:
    try:
        rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        # No version table: no migration has ever run on this database.
        return set()
    return {row[0] for row in rows}
