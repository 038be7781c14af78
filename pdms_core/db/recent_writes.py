"""Who wrote a moment ago: read-your-writes across PostgreSQL replicas.

After a caller's own write, its reads go to the primary for
``PDMS_READ_YOUR_WRITES_SECONDS``, so an officer who saves a record and reloads the
page sees the change although a replica may not have replayed it yet. Callers are
staff users and API keys (by actor id); anonymous callers change nothing they read
back.

With ``PDMS_REDIS_URL`` the note is a key in Redis that expires with the window, so a
write on one server process sends the caller's next reads to the primary on every
process (one ``EXISTS`` per read-only request of a signed-in caller). Without Redis
each process remembers only its own callers' writes: behind a load balancer that
spreads one caller's requests over processes, a read right after a write may then be
answered by a replica that has not caught up (for at most the replica's lag, which
``PDMS_REPLICA_MAX_LAG_SECONDS`` bounds). While a configured Redis cannot be reached,
signed-in callers read from the primary: slower, never stale.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from pdms_core.redis_clients import RETRY_AFTER_SECONDS, Outage, async_client

log = logging.getLogger("pdms.db.recent_writes")

#: A process forgets expired notes once it holds this many.
_PRUNE_AT = 10_000


class RecentWriters(Protocol):
    """Notes callers' writes; says whether one wrote within the window."""

    async def note(self, caller: str) -> None: ...

    async def wrote_recently(self, caller: str) -> bool: ...

    async def close(self) -> None: ...


class LocalWriters:
    """Per-process notes (without Redis)."""

    def __init__(self, window_seconds: float):
        self.window = window_seconds
        self._until: dict[str, float] = {}

    async def note(self, caller: str) -> None:
        now = time.monotonic()
        if len(self._until) >= _PRUNE_AT:
            self._until = {who: until for who, until in self._until.items() if until > now}
        self._until[caller] = now + self.window

    async def wrote_recently(self, caller: str) -> bool:
        until = self._until.get(caller)
        return until is not None and until > time.monotonic()

    async def close(self) -> None:
        return None


class RedisWriters:
    """Notes shared by every process through Redis keys that expire."""

    def __init__(self, url: str, window_seconds: float, prefix: str = "pdms:ryw:"):
        self._client, self._errors = async_client(url)
        self.window_ms = max(1, int(window_seconds * 1000))
        self.prefix = prefix
        self._local = LocalWriters(window_seconds)
        self._outage = Outage(
            log,
            "read-your-writes store (Redis) unavailable (%s): signed-in callers read "
            f"from the primary; retrying every {RETRY_AFTER_SECONDS:.0f} s",
        )

    async def note(self, caller: str) -> None:
        await self._local.note(caller)
        # Tried even while reads skip Redis: writes are rare, and a note not made
        # lets another process send this caller to a replica without its write.
        try:
            await self._client.set(self.prefix + caller, b"1", px=self.window_ms)
        except self._errors as error:
            self._outage.failed(error)

    async def wrote_recently(self, caller: str) -> bool:
        if await self._local.wrote_recently(caller):
            return True
        if not self._outage.due():
            return True  # unknown: the primary is never stale
        try:
            wrote = bool(await self._client.exists(self.prefix + caller))
        except self._errors as error:
            self._outage.failed(error)
            return True
        self._outage.recovered()
        return wrote

    async def close(self) -> None:
        await self._client.aclose()


def make_recent_writers(redis_url: str | None, window_seconds: float) -> RecentWriters:
    """Shared notes with Redis, per-process ones without."""
    if redis_url:
        return RedisWriters(redis_url, window_seconds)
    return LocalWriters(window_seconds)
