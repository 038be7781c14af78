"""Attempt counters for sign-in, password changes and reset requests, in the database.

Each counter is one row: a key (``login:account:<hash>``, ``login:ip:<address>``, ...),
a count, and when its window ends. :func:`take` adds one to several counters and
reads the new counts in the same statement (``INSERT ... ON CONFLICT DO UPDATE ...
RETURNING``), in a transaction of its own that commits before the caller goes on to
check a password. Two requests can therefore never both see count 9 of 10: PostgreSQL
makes the second upsert wait for the first one's row lock, and SQLite runs one writer
at a time. A request over any limit rolls its increments back and is refused, so
refused attempts do not keep a window going.

The counters live in the database, not in Redis, because sign-in needs the database
anyway: they are shared by every server process, and a Redis outage cannot weaken
them (per-process fallback counters would multiply the limit by the processes).

A window starts with its key's first counted attempt and lasts ``window``; after it,
the count starts again from one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.auth.tokens import now
from pdms_core.db.base import Base
from pdms_core.db.datetimes import UtcDateTime


class AttemptCounter(Base):
    """How many attempts a key made in its current window."""

    __tablename__ = "attempt_counter"

    #: A purpose prefix and an email hash or an IP address; never a raw email.
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    window_ends: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` counted attempts for ``key`` per ``window``."""

    key: str
    limit: int
    window: timedelta


async def take(sessionmaker: async_sessionmaker[AsyncSession], limits: Sequence[Limit]) -> bool:
    """Count one attempt against every limit; False (nothing counted) when any is over.

    Commits before it returns, so concurrent callers see each other's attempts."""
    try:
        async with sessionmaker() as session, session.begin():
            counts = [await _hit(session, item) for item in limits]
            if any(count > item.limit for count, item in zip(counts, limits, strict=True)):
                raise _Over  # rolls back every increment of this attempt
            if 1 in counts:
                # A new window began: a good moment to drop counters whose window ended.
                # It depends on the counters alone (never on whether an account exists),
                # so requests for known and unknown addresses run the same statements.
                await _prune(session)
    except _Over:
        return False
    return True


class _Over(Exception):
    pass


async def give_back(session: AsyncSession, key: str) -> None:
    """Uncount one attempt of ``key`` (it was never checked, or it succeeded)."""
    await session.execute(
        update(AttemptCounter)
        .where(AttemptCounter.key == key, AttemptCounter.count > 0)
        .values(count=AttemptCounter.count - 1)
        .execution_options(synchronize_session=False)
    )


async def clear(session: AsyncSession, key: str) -> None:
    """Forget ``key``'s attempts (a successful sign-in clears its account's count)."""
    await session.execute(delete(AttemptCounter).where(AttemptCounter.key == key))


async def give_back_now(sessionmaker: async_sessionmaker[AsyncSession], *keys: str) -> None:
    """:func:`give_back` for each key, in a transaction of its own."""
    async with sessionmaker() as session, session.begin():
        for key in keys:
            await give_back(session, key)


async def _hit(session: AsyncSession, item: Limit) -> int:
    current = now()
    ends = current + item.window
    column = AttemptCounter.__table__.c
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    # On conflict the SET clause sees the stored row: a window that has ended starts
    # again at one, otherwise the count goes up by one.
    expired = column.window_ends <= current
    statement = (
        dialect.insert(AttemptCounter)
        .values(key=item.key, count=1, window_ends=ends)
        .on_conflict_do_update(
            index_elements=[column.key],
            set_={
                "count": case((expired, 1), else_=column.count + 1),
                "window_ends": case(
                    (expired, literal(ends, column.window_ends.type)),
                    else_=column.window_ends,
                ),
            },
        )
        .returning(column.count)
    )
    return int(await session.scalar(statement))


async def _prune(session: AsyncSession) -> None:
    """Delete counters whose window ended (at most 1,000 at a time)."""
    current = now()
    column = AttemptCounter.__table__.c
    stale = select(column.key).where(column.window_ends < current).limit(1000)
    if session.get_bind().dialect.name == "postgresql":
        # Rows another transaction holds are skipped, not waited for: housekeeping
        # never blocks a sign-in, and two prunes cannot deadlock each other.
        stale = stale.with_for_update(skip_locked=True)
    await session.execute(delete(AttemptCounter).where(column.key.in_(stale.scalar_subquery())))
