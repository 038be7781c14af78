"""Per-request context: who is calling, the database, and the request's loaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdms_core.audit.recorder import AuditCollector
from pdms_core.auth.actor import Actor
from pdms_core.db.engine import Database
from pdms_core.db.loaders import LoaderRegistry
from pdms_core.db.unit_of_work import unit_of_work

if TYPE_CHECKING:
    from pdms_core.host import PluginHost


@dataclass
class RequestContext:
    """What every resolver can reach through ``info.context``."""

    host: PluginHost
    database: Database
    actor: Actor
    request: Any = None
    response: Any = None
    #: The caller's address, for throttling and the audit trail.
    client_ip: str | None = None
    #: The staff session the request signed in with (None for keys and anonymous).
    session_id: int | None = None
    loaders: LoaderRegistry = field(init=False)
    audit: AuditCollector = field(init=False)
    #: Where root fields read (:meth:`session`): None is the primary; a replica's
    #: sessions when read routing (``graphql/read_routing.py``) chose one.
    reads: async_sessionmaker[AsyncSession] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.loaders = LoaderRegistry(self.database.readers, self.actor)
        self.audit = AuditCollector()

    @property
    def settings(self) -> Any:
        return self.host.settings

    def read_from(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Send this request's reads (loaders and root fields) to ``sessionmaker``'s
        database, a replica; before execution starts, so no loader exists yet."""
        self.reads = sessionmaker
        self.loaders = LoaderRegistry(sessionmaker, self.actor)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short-lived read session for one root field; closed when the block ends."""
        async with (self.reads or self.database.sessionmaker)() as session:
            yield session

    def unit_of_work(self) -> Any:
        """The mutation's unit of work: commits when the block ends cleanly."""
        return unit_of_work(self.database.sessionmaker)
