"""Fixed-window counters for rate limits: in memory, or in Redis when configured.

In memory the limits hold per server process; with ``PDMS_REDIS_URL`` every process
shares them. Each hit adds an amount (1 per request, or a query's cost) to the
caller's counter for the current window and says whether the limit still holds.

When Redis cannot be reached the limits fail over to per-process memory rather than
failing every request: one warning is logged when the outage begins (the error's
type only, never the address), Redis is tried again after a short back-off, and one
message is logged when it is back. ``/health`` reports the state (see app.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from pdms_core.redis_clients import RETRY_AFTER_SECONDS, Outage, async_client

log = logging.getLogger("pdms.ratelimit")


class Limiter(Protocol):
    async def hit(self, key: str, amount: int, limit: int, window: int = 60) -> bool:
        """Add ``amount`` to ``key``'s window; True while the total is within ``limit``."""
        ...

    async def store_state(self) -> str | None:
        """``ok`` or ``unavailable`` for a shared store; None without one."""
        ...


class MemoryLimiter:
    """Per-process counters; old windows are dropped as they pass."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = asyncio.Lock()

    async def hit(self, key: str, amount: int, limit: int, window: int = 60) -> bool:
        slot = int(time.time() // window)
        async with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot}
            total = self._counts.get((key, slot), 0) + amount
            self._counts[(key, slot)] = total
        return total <= limit

    async def store_state(self) -> str | None:
        """None: there is no shared store to report on."""
        return None


class RedisLimiter:
    """Counters in Redis (INCRBY and EXPIRE in one round trip), with per-process
    memory counters while Redis is unavailable."""

    def __init__(self, url: str, prefix: str = "pdms:rl:"):
        # No retries inside the client: a failed call falls over to memory at once,
        # and the back-off below decides when Redis is tried again.
        self._client, self._errors = async_client(url)
        self._fallback = MemoryLimiter()
        self._outage = Outage(
            log,
            "rate-limit store (Redis) unavailable (%s): limits now count per process; "
            f"retrying every {RETRY_AFTER_SECONDS:.0f} s",
            "rate-limit store (Redis) is back: limits are shared again",
        )
        self.prefix = prefix

    async def hit(self, key: str, amount: int, limit: int, window: int = 60) -> bool:
        if self._outage.due():
            try:
                total = await self._incr(key, amount, window)
            except self._errors as exc:
                self._outage.failed(exc)
            else:
                self._outage.recovered()
                return total <= limit
        return await self._fallback.hit(key, amount, limit, window)

    async def store_state(self) -> str:
        """``ok`` or ``unavailable``: pings Redis unless it is backing off."""
        if self._outage.due():
            try:
                await self._client.ping()
            except self._errors as exc:
                self._outage.failed(exc)
            else:
                self._outage.recovered()
        return "unavailable" if self._outage.down else "ok"

    async def _incr(self, key: str, amount: int, window: int) -> int:
        slot = int(time.time() // window)
        name = f"{self.prefix}{key}:{slot}"
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incrby(name, amount)
            pipe.expire(name, window * 2)
            total, _ = await pipe.execute()
        return int(total)

    async def close(self) -> None:
        await self._client.aclose()


def make_limiter(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
