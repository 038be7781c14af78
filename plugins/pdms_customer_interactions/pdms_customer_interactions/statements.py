"""Statements built once per shape, for the call handler's reads.

Building a statement and its cache key cost more CPU than PostgreSQL took to answer
the small reads of the caller view; values go in as bound parameters, so the shapes
are few (whether a person and a place were given) and the cache needs no bound.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

_BUILT: dict[Hashable, Any] = {}


def cached(key: Hashable, build: Callable[[], Any]) -> Any:
    """What ``build()`` returns, built on the first call with this key."""
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build()
    return found
