"""Signing in without a database round trip: resolved sessions and API keys, kept
in the process for ``PDMS_SESSION_CACHE_SECONDS``.

Entries are keyed by the token's SHA-256 (never the token) and guarded by
generation counters in Redis (auth/changes.py bumps them when a commit changes
sign-in facts). A cached answer is used only if

- the counters it was read under are unchanged (one MGET per request: sign-out,
  revocation, password and grant changes end it at once on every process),
- it is younger than the cache time, and
- the session's idle timeout and absolute expiry (a key's expiry) have not passed,
  computed from the cached times exactly as the database query computes them.

The counters are read *before* the database, and an answer is stored under the
values read then: a change committed between the two reads has bumped a counter
past them, so the stored answer is never used. The first request with a token
only learns which counters guard it (its user or key); the second stores it.

Redis is required: without it other processes (workers, the CLI) could not end a
cached answer, so there is no cache (every request reads the database, as before).
When Redis fails, nothing is served from memory: the database is read, and Redis
is tried again after a short back-off.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pdms_core.auth.changes import ALL, COUNTER_SECONDS, PREFIX, Publisher, publish_changes
from pdms_core.auth.tokens import now
from pdms_core.redis_clients import Outage, async_client

log = logging.getLogger("pdms.auth.cache")
#: An answer is kept at most this long, whatever the setting.
MAX_SECONDS = 3600
#: Tokens remembered per process; the oldest quarter goes when full.
MAX_ENTRIES = 20_000


@dataclass
class Found:
    """What the database said about a token, with what a cached copy needs."""

    #: What the caller gets (resolve.Resolved).
    value: Any
    #: The generation counters that guard it (changes.user_scope, key_scope, ALL).
    scopes: tuple[str, ...]
    #: Absolute end; None: none (an API key without expiry).
    expires_at: datetime | None
    #: Last use noted in the database: a session's last_seen_at, a key's last_used_at.
    last_seen: datetime | None
    #: A session's idle timeout; None for API keys.
    idle: timedelta | None = None

    def live(self, current: datetime) -> bool:
        """Whether the database query would still find it at ``current``."""
        if self.expires_at is not None and self.expires_at <= current:
            return False
        return self.idle is None or (
            self.last_seen is not None and self.last_seen > current - self.idle
        )


class _Entry:
    __slots__ = ("counters", "found", "fresh_until", "scopes")

    def __init__(self, scopes: tuple[str, ...]):
        self.scopes = scopes
        self.found: Found | None = None
        self.counters: tuple[Any, ...] | None = None
        self.fresh_until = 0.0

    def serves(self, counters: tuple[Any, ...], current: datetime) -> Found | None:
        found = self.found
        if found is None or counters != self.counters or time.monotonic() >= self.fresh_until:
            return None
        return found if found.live(current) else None


class SignInCache:
    """Per-process cache of resolved sign-ins, checked against Redis per request."""

    def __init__(self, redis_url: str, seconds: int, *, prefix: str = PREFIX):
        self._client, self._errors = async_client(redis_url)
        self.prefix = prefix
        self.seconds = min(seconds, MAX_SECONDS)
        self._entries: dict[str, _Entry] = {}
        self._outage = Outage(
            log,
            "sign-in cache: Redis unavailable (%s); signing in reads the database until it is back",
            "sign-in cache: Redis is back",
        )
        self.publisher: Publisher | None = None

    @classmethod
    def open(cls, database: Any, settings: Any) -> SignInCache | None:
        """Publish the sign-in changes committed through ``database`` (with Redis), and
        the cache for a server process: None when off (no Redis, or 0 seconds)."""
        publisher = publish_changes(database, settings.redis_url)
        if publisher is None or settings.session_cache_seconds <= 0:
            return None
        cache = cls(settings.redis_url, settings.session_cache_seconds)
        cache.publisher = publisher
        publisher.on_failure.append(cache.clear)
        return cache

    async def resolve(
        self, token_hash: str, load: Callable[[], Awaitable[Found | None]]
    ) -> Found | None:
        """The answer for a token: cached while its counters hold, else ``load()``ed."""
        entry = self._entries.get(token_hash)
        if entry is None:
            found = await load()
            if found is not None:
                self._remember(token_hash, _Entry(found.scopes))
            return found
        counters = await self._counters(entry.scopes)
        if counters is not None:
            cached = entry.serves(counters, now())
            if cached is not None:
                return cached
        found = await load()
        if found is None:
            self._entries.pop(token_hash, None)
        elif counters is not None and found.scopes == entry.scopes:
            entry.found, entry.counters = found, counters
            entry.fresh_until = time.monotonic() + self.seconds
        return found

    def touched(self, token_hash: str, found: Found, written: bool, when: datetime) -> None:
        """Note a last-use write: ``written`` False means another process wrote a later
        time we do not know, so the cached answer goes (the next request reads it)."""
        if written:
            found.last_seen = when
            return
        entry = self._entries.get(token_hash)
        if entry is not None:
            entry.found = None

    def clear(self) -> None:
        """Drop every cached answer (Redis failed: changes may have gone unheard)."""
        for entry in self._entries.values():
            entry.found = None

    def _remember(self, token_hash: str, entry: _Entry) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            for old in list(itertools.islice(self._entries, MAX_ENTRIES // 4)):
                del self._entries[old]
        self._entries[token_hash] = entry

    async def _counters(self, scopes: tuple[str, ...]) -> tuple[Any, ...] | None:
        if not self._outage.due():
            return None
        names = [self.prefix + scope for scope in scopes]
        try:
            values = await self._client.mget(names)
            if None in values:
                values = await self._start_counters(names, values)
        except self._errors as exc:
            self._failed(exc)
            return None
        self._outage.recovered()
        return tuple(values)

    async def _start_counters(self, names: list[str], values: list[Any]) -> list[Any]:
        # A missing counter (never bumped, expired, or Redis restarted empty) starts at
        # a random value, not at nothing: a counter that vanished and came back could
        # otherwise match what a stale answer was stored under.
        async with self._client.pipeline(transaction=False) as pipe:
            for name, value in zip(names, values, strict=True):
                if value is None:
                    lifetime = None if name == self.prefix + ALL else COUNTER_SECONDS
                    pipe.set(name, secrets.randbits(62), nx=True, ex=lifetime)
            pipe.mget(names)
            *_, values = await pipe.execute()
        return values

    def _failed(self, exc: BaseException) -> None:
        self.clear()
        self._outage.failed(exc)

    async def close(self) -> None:
        """Close the Redis connections (the publisher's too)."""
        await self._client.aclose()
        if self.publisher is not None:
            self.publisher.close()
