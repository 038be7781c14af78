"""Fixed-window counters for rate limits: in memory, or in Redis when configured.

In memory the limits hold per server process; with ``PDMS_REDIS_URL`` every process
shares them. Each hit adds an amount (1 per request, or a query's cost) to the
caller's counter for the current window and says whether the limit still holds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol


class Limiter(Protocol):
    async def hit(self, key: str, amount: int, limit: int, window: int = 60) -> bool:
        """Add ``amount`` to ``key``'s window; True while the total is within ``limit``."""
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


class RedisLimiter:
    """Counters in Redis: INCRBY and EXPIRE in one round trip."""

    def __init__(self, url: str, prefix: str = "pdms:rl:"):
        from redis import asyncio as redis

        self._client: Any = redis.from_url(url)
        self.prefix = prefix

    async def hit(self, key: str, amount: int, limit: int, window: int = 60) -> bool:
        slot = int(time.time() // window)
        name = f"{self.prefix}{key}:{slot}"
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incrby(name, amount)
            pipe.expire(name, window * 2)
            total, _ = await pipe.execute()
        return int(total) <= limit

    async def close(self) -> None:
        await self._client.aclose()


def make_limiter(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
