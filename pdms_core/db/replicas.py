"""PostgreSQL read replicas: which are fit to answer, and how a read reaches one.

With ``PDMS_DATABASE_REPLICA_URLS`` set, the reads of read-only requests go to a
replica (``graphql/read_routing.py`` decides per request). This module keeps, per
server process:

- one pool per replica (autocommit, like the primary's readers' pool), whose new
  connections fall back to the primary when the replica cannot be reached: a replica
  that stops between two health checks costs no request an error, and is marked down
  at once so later requests go straight to the primary;
- a background check of every replica, at most every :data:`CHECK_SECONDS`, never
  per request, which marks a replica down when it cannot answer and lagging when it
  is further behind than ``PDMS_REPLICA_MAX_LAG_SECONDS``. Only replicas that passed
  their last check are chosen; with none, reads go to the primary.

Lag is measured on the replica: zero while it has replayed all the WAL it received,
else the time since the last transaction it replayed committed on the primary. (The
replay timestamp alone would call a replica of an idle primary hours behind.) A
replica cut off from its primary receives nothing and so looks current; watch
``pg_stat_replication`` on the primary for that.

A replica that fails after a connection was made (killed during a statement, or a
query cancelled by a conflict with recovery) fails that request with the masked
INTERNAL error, and a lost connection marks the replica down.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from pdms_core.db.engine import create_engine, normalise_url
from pdms_core.errors import ConfigurationError

log = logging.getLogger("pdms.db.replicas")

#: How often each process checks its replicas (health and lag).
CHECK_SECONDS = 1.0
#: A replica that does not connect or answer its check within this is down.
TIMEOUT_SECONDS = 2.0
#: Marks a pooled connection that was opened on the primary in a replica's stead.
_FALLBACK = "pdms_replica_fallback"
#: Lag in seconds: none while everything received is replayed (see the docstring).
_LAG = text(
    "SELECT pg_is_in_recovery() AS standby, "
    "CASE WHEN pg_last_wal_receive_lsn() IS NOT NULL "
    "AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END AS lag"
)

OK, LAGGING, DOWN, UNKNOWN = "ok", "lagging", "down", "unknown"


def refuse_unsupported(backend: str, replica_urls: Sequence[str]) -> None:
    """Stop startup when replicas are configured for a database that has none."""
    if replica_urls and backend != "postgresql":
        raise ConfigurationError(
            "PDMS_DATABASE_REPLICA_URLS needs PostgreSQL: SQLite has no replicas. "
            "Unset it, or move to PostgreSQL."
        )


def check_replica_settings(settings: Any) -> None:
    """:func:`refuse_unsupported` for ``settings`` alone, before any database is
    opened (``pdms serve`` checks once, before starting its worker processes)."""
    url = make_url(normalise_url(settings.resolved_database_url))
    refuse_unsupported(url.get_backend_name(), settings.database_replica_urls)


class Replica:
    """One replica: its readers' pool, its monitor connection and its last state."""

    def __init__(self, label: str, engine: AsyncEngine, monitor: AsyncEngine):
        #: "replica 1", ...: logs name replicas by position, never by host.
        self.label = label
        self.engine = engine
        self.monitor = monitor
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self.state = UNKNOWN
        #: Seconds behind the primary at the last check (None: not measured).
        self.lag: float | None = None
        self._failed_at = 0.0

    def mark_down(self, error: BaseException | None) -> None:
        """A request could not reach the replica: no reads go to it until a check
        finds it well again."""
        self._failed_at = time.monotonic()
        self._set(DOWN, type(error).__name__ if error else "lost connection")

    def _set(self, state: str, why: str = "") -> None:
        if state == self.state:
            return
        if state == OK and self.state != UNKNOWN:
            log.info("database %s is back: it answers reads again", self.label)
        elif state in (DOWN, LAGGING):
            log.warning("database %s is %s (%s): its reads go elsewhere", self.label, state, why)
        self.state = state

    async def check(self, max_lag: float) -> None:
        """Measure the replica's state once (see the module docstring)."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                async with self.monitor.connect() as connection:
                    row = (await connection.execute(_LAG)).one()
        except Exception as error:  # any failure to answer is "down"
            self.lag = None
            self._set(DOWN, type(error).__name__)
            return
        if self._failed_at > started:  # a request saw it fail meanwhile
            return
        if not row.standby:
            self.lag = None
            self._set(DOWN, "not in recovery: promoted or not a replica")
            return
        self.lag = math.inf if row.lag is None else float(row.lag)
        self._set(OK if self.lag <= max_lag else LAGGING, f"{self.lag:.1f} s behind")


class ReplicaSet:
    """The replicas of one database, checked in the background, chosen in turn."""

    def __init__(self, replicas: Sequence[Replica], *, max_lag_seconds: float):
        self.replicas = tuple(replicas)
        self.max_lag_seconds = max_lag_seconds
        self._turn = itertools.count()
        self._watcher: asyncio.Task[None] | None = None

    @classmethod
    def connect(
        cls,
        primary_url: str,
        replica_urls: Sequence[str],
        *,
        max_lag_seconds: float,
        pool_size: int,
        **kwargs: Any,
    ) -> ReplicaSet:
        """Pools (opened lazily) for ``replica_urls``, falling back to ``primary_url``."""
        connect_args = {"timeout": TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
        replicas = []
        for number, url in enumerate(replica_urls, start=1):
            engine = create_engine(
                url,
                isolation_level="AUTOCOMMIT",
                pool_size=pool_size,
                connect_args=connect_args,
                **kwargs,
            )
            monitor = create_engine(
                url,
                isolation_level="AUTOCOMMIT",
                pool_size=1,
                max_overflow=0,
                connect_args=connect_args,
                **kwargs,
            )
            replica = Replica(f"replica {number}", engine, monitor)
            _fall_back_to_primary(replica, primary_url, connect_args)
            replicas.append(replica)
        return cls(replicas, max_lag_seconds=max_lag_seconds)

    @property
    def engines(self) -> tuple[AsyncEngine, ...]:
        """The replicas' read engines (not their monitors, which no request uses)."""
        return tuple(replica.engine for replica in self.replicas)

    def choose(self) -> Replica | None:
        """A replica that passed its last check, in turn; None: read the primary.

        Starts the background checks on first use, in the running event loop."""
        self.watch()
        usable = [replica for replica in self.replicas if replica.state == OK]
        if not usable:
            return None
        return usable[next(self._turn) % len(usable)]

    def health(self) -> str:
        """``ok`` when every replica passed its last check, else ``unavailable``."""
        return "ok" if all(replica.state == OK for replica in self.replicas) else "unavailable"

    async def check(self) -> None:
        """Check every replica now (the background task calls this every second)."""
        await asyncio.gather(*(replica.check(self.max_lag_seconds) for replica in self.replicas))

    def watch(self) -> None:
        """Start the background checks unless they are running."""
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            await self.check()
            await asyncio.sleep(CHECK_SECONDS)

    async def dispose(self) -> None:
        """Stop the checks and close every pooled connection."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(BaseException):
                await self._watcher
            self._watcher = None
        for replica in self.replicas:
            await replica.engine.dispose()
            await replica.monitor.dispose()


def _fall_back_to_primary(replica: Replica, primary_url: str, connect_args: dict[str, Any]) -> None:
    """Make the replica's pool open a connection to the primary when the replica
    cannot be reached, and replace such connections once the replica is back."""
    engine = replica.engine.sync_engine
    primary_args, primary_params = engine.dialect.create_connect_args(
        make_url(normalise_url(primary_url))
    )
    primary_params = {**primary_params, **connect_args}

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        if replica.state != DOWN:
            try:
                return dialect.connect(*cargs, **cparams)
            except Exception as error:  # unreachable, starting, shutting down ...
                replica.mark_down(error)
        record.info[_FALLBACK] = True
        return dialect.connect(*primary_args, **primary_params)

    @event.listens_for(engine.pool, "checkout")
    def _checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(_FALLBACK) and replica.state == OK:
            raise exc.DisconnectionError("replica back: reconnect to it")

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        # A stale pooled connection (pre-ping) is replaced, through _connect above.
        if context.is_disconnect and not context.is_pre_ping:
            replica.mark_down(context.original_exception)
