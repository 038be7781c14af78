"""Which database a request reads: a replica for read-only requests, else the primary.

Installed only when replicas are configured (``app.py``). Before execution, a query
operation whose caller has not written within ``PDMS_READ_YOUR_WRITES_SECONDS``
(``db/recent_writes.py``) gets a replica that passed its last check
(``db/replicas.py``) for its loaders and root-field sessions. Everything else stays
on the primary, the request context's default: mutations (their reads before and
after the write included), the reads of a caller who wrote a moment ago, and
signing in (``auth/resolve.py``), which runs before this and must find a session
created a moment ago. After a mutation, the caller's write is noted.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from pdms_core.db.recent_writes import RecentWriters, make_recent_writers
from pdms_core.db.replicas import CHECK_SECONDS, ReplicaSet, refuse_unsupported

log = logging.getLogger("pdms.db.replicas")


class ReadRouting(SchemaExtension):
    """Sends a read-only request's reads to a replica (see the module docstring)."""

    def __init__(self, *, replicas: ReplicaSet, writers: RecentWriters | None):
        self.replicas = replicas
        #: None when read-your-writes is off (a window of 0 seconds).
        self.writers = writers

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        execution = self.execution_context
        context = execution.context
        caller = _caller(context)
        kind = execution.operation_type
        if kind is OperationType.QUERY:
            replica = self.replicas.choose()
            if replica is not None and not await self._wrote_recently(caller):
                context.read_from(replica.sessionmaker)
        try:
            yield
        finally:
            # Noted for the whole mutation, whatever it wrote through (a unit of work,
            # the sign-in and password tables' own transactions, a module's bulk path)
            # and even when it failed: a needless note only costs a primary read.
            if kind is OperationType.MUTATION and caller and self.writers is not None:
                await self.writers.note(caller)

    async def _wrote_recently(self, caller: str | None) -> bool:
        if caller is None or self.writers is None:
            return False
        return await self.writers.wrote_recently(caller)


def _caller(context: Any) -> str | None:
    """The staff user or API key calling; None for anonymous callers."""
    actor = context.actor
    return actor.id if actor.is_authenticated and actor.id else None


def install_read_routing(schema: Any, database: Any, settings: Any) -> RecentWriters | None:
    """Add read routing to a freshly built ``schema`` when ``database`` has replicas;
    the read-your-writes notes it uses (to close at shutdown), if any.

    Without replicas nothing is added: every read is the primary's anyway, and a
    request pays for no extra extension. Replicas configured for SQLite stop startup.
    """
    refuse_unsupported(database.backend, settings.database_replica_urls)
    if database.replicas is None:
        return None
    writers = None
    window = settings.read_your_writes_window
    if 0 < window < settings.replica_max_lag_seconds + CHECK_SECONDS:
        log.warning(
            "PDMS_READ_YOUR_WRITES_SECONDS (%s) is shorter than a replica in use may lag "
            "(PDMS_REPLICA_MAX_LAG_SECONDS + %.0f s): a caller may read a replica that "
            "has not yet replayed its own write",
            window,
            CHECK_SECONDS,
        )
    if window > 0:
        writers = make_recent_writers(settings.redis_url, window)
    replicas = database.replicas

    def routing() -> ReadRouting:  # strawberry builds extensions per request
        return ReadRouting(replicas=replicas, writers=writers)

    schema.extensions = (*schema.extensions, routing)
    return writers
