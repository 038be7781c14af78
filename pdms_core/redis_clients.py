"""Redis clients for the state processes share: one way to connect, fail-fast.

Rate limits, the sign-in cache and its invalidations, and read-your-writes notes all
talk to the same Redis (``PDMS_REDIS_URL``) and all fail over the same way: no retries
inside the client and a short timeout, so a call that fails falls back at once (to
memory, or to the database) and the caller's own back-off decides when Redis is tried
again. ``redis`` is imported on first use, so processes without Redis never load it.
"""

from __future__ import annotations

import asyncio
import logging
import time
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


#: After Redis failed, how long its users fall back (to memory, to the database, to
#: the primary) before trying it again.
RETRY_AFTER_SECONDS = 5.0


class Outage:
    """One Redis user's view of whether Redis is down: after a failure it is not tried
    again for :data:`RETRY_AFTER_SECONDS`; going down and coming back are logged once
    each, naming the error's type only (redis's messages name the host and port)."""

    def __init__(self, log: logging.Logger, down: str, back: str | None = None):
        self._log = log
        self._down_message = down
        self._back_message = back
        self.down = False
        self._retry_at = 0.0

    def due(self) -> bool:
        """Whether to try Redis now: it is up, or the back-off is over."""
        return not self.down or time.monotonic() >= self._retry_at

    def failed(self, exc: BaseException) -> None:
        self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
        if not self.down:
            self.down = True
            self._log.warning(self._down_message, type(exc).__name__)

    def recovered(self) -> None:
        if self.down:
            self.down = False
            if self._back_message:
                self._log.info(self._back_message)
