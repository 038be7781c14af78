"""Redis clients for the state processes share: one way to connect, fail-fast.

Rate limits, the sign-in cache and its invalidations, and read-your-writes notes all
talk to the same Redis (``PDMS_REDIS_URL``) and all fail over the same way: no retries
inside the client and a short timeout, so a call that fails falls back at once (to
memory, or to the database) and the caller's own back-off decides when Redis is tried
again. ``redis`` is imported on first use, so processes without Redis never load it.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: Redis answers in well under a millisecond; waiting longer only stalls requests.
REDIS_TIMEOUT_SECONDS = 0.5


def async_client(url: str) -> tuple[Any, tuple[type[BaseException], ...]]:
    """An asyncio client for ``url`` and the exceptions that mean Redis failed."""
    from redis import asyncio as redis
    from redis.exceptions import RedisError

    client = redis.from_url(url, **_options())
    return client, (RedisError, OSError, asyncio.TimeoutError)


def sync_client(url: str) -> tuple[Any, tuple[type[BaseException], ...]]:
    """A blocking client (for code that cannot await, such as ORM commit events)."""
    import redis
    from redis.exceptions import RedisError

    return redis.Redis.from_url(url, **_options()), (RedisError, OSError)


def _options() -> dict[str, Any]:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
        "retry": Retry(NoBackoff(), 0),
    }
