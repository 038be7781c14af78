"""Engines and session factories for the embedded SQLite file and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from pdms_core.db.defaults import READ_POOL_SIZE
from pdms_core.errors import ConfigurationError

if TYPE_CHECKING:
    from pdms_core.db.replicas import ReplicaSet

SQLITE_BUSY_TIMEOUT_MS = 30_000
# READ_POOL_SIZE (db/defaults.py), the readers' pool's size: a portal page runs up to
# five loader batches at once, so four pages at once overflowed SQLAlchemy's default
# of five: each overflow connection was opened for one batch and closed again, and a
# portal list at concurrency 4 cost a quarter more CPU than alone (bench/RESULTS.md).
# Connections open only when needed.
_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def normalise_url(url: str) -> str:
    """Accept plain ``sqlite:///`` and ``postgresql://`` URLs; pick the async drivers."""
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigurationError("PDMS_DATABASE_URL is not a valid database URL") from None
    if parsed.drivername == "postgres":  # an older spelling some hosts still hand out
        parsed = parsed.set(drivername="postgresql")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(f"PDMS supports SQLite and PostgreSQL, not {backend!r}")
    if "+" not in parsed.drivername:
        parsed = parsed.set(drivername=_DRIVERS[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine with PDMS's connection settings for the URL's backend."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    # The sqlite3 module (under aiosqlite) defers BEGIN until the first write and
    # commits on DDL, so rollbacks and savepoints would silently do nothing. Turn its
    # transaction handling off and let SQLAlchemy emit BEGIN itself (the documented
    # recipe), which makes transactions and SAVEPOINTs real.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


@dataclass
class Database:
    """An engine with its session factories; one per application."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    #: Sessions for reads that need no transaction of their own: the per-request
    #: loaders' one-statement batches. On PostgreSQL they come from a second pool in
    #: autocommit: a batch in a transaction cost three extra round trips (BEGIN, and
    #: the pool's liveness check wrapped in BEGIN and ROLLBACK) and about a tenth of a
    #: portal page's CPU. Without a second pool (SQLite), the same as ``sessionmaker``.
    readers: async_sessionmaker[AsyncSession] = None  # type: ignore[assignment]
    #: PostgreSQL read replicas (``db/replicas.py``), None without any. Only read-only
    #: requests use them (``graphql/read_routing.py``); signing in, writes and the
    #: audit always use the primary.
    replicas: ReplicaSet | None = None

    def __post_init__(self) -> None:
        if self.readers is None:
            self.readers = self.sessionmaker

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        read_pool_size: int = READ_POOL_SIZE,
        replica_urls: Sequence[str] = (),
        replica_max_lag_seconds: float = 10,
        **kwargs: Any,
    ) -> Database:
        """Open (lazily) the database at ``url``; on PostgreSQL the readers' pool (and
        each replica's, from ``replica_urls``) keeps up to ``read_pool_size``
        connections. Replicas on SQLite raise :class:`ConfigurationError`."""
        from pdms_core.db.replicas import ReplicaSet, refuse_unsupported

        engine = create_engine(url, **kwargs)
        refuse_unsupported(engine.dialect.name, replica_urls)
        # expire_on_commit=False: payloads read attributes after the unit of work has
        # committed, and async code must never lazy-load.
        sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        if engine.dialect.name != "postgresql":
            return cls(engine, sessionmaker)
        reading = create_engine(
            url, isolation_level="AUTOCOMMIT", pool_size=read_pool_size, **kwargs
        )
        replicas = None
        if replica_urls:
            replicas = ReplicaSet.connect(
                url,
                replica_urls,
                max_lag_seconds=replica_max_lag_seconds,
                pool_size=read_pool_size,
                **kwargs,
            )
        readers = async_sessionmaker(reading, expire_on_commit=False)
        return cls(engine, sessionmaker, readers, replicas)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def reading_engine(self) -> AsyncEngine:
        """The engine behind ``readers``, for reads on a plain connection (no session)."""
        return self.readers.kw["bind"]

    @property
    def engines(self) -> tuple[AsyncEngine, ...]:
        """Every engine statements go through: the main one, the readers' if apart,
        and the replicas'."""
        reading = self.reading_engine
        engines = (self.engine,) if reading is self.engine else (self.engine, reading)
        return engines + (self.replicas.engines if self.replicas else ())

    async def dispose(self) -> None:
        """Close every pooled connection (and stop the replicas' checks)."""
        if self.replicas is not None:
            await self.replicas.dispose()
        for engine in self.engines:
            await engine.dispose()
