"""Opaque page cursors and page-size rules shared by every list (no strawberry here).

A cursor is the ordering key of the last row seen, as base64 JSON: keyset pagination
(``WHERE key > cursor``) keeps a deep page as cheap as the first one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pdms_core.errors import ValidationFailed

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
#: The largest integer an id or key column holds: BIGINT on PostgreSQL, INTEGER on
#: SQLite (both 64-bit signed). A larger one sent to the driver is a server error.
MAX_DATABASE_INT = 2**63 - 1


def check_first(first: int | None) -> int:
    """The page size to use, rejecting sizes outside 0-100 (default 20)."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"`first` must be between 0 and {MAX_PAGE_SIZE}.", field="first")
    return first


def encode_cursor(key: Sequence[Any]) -> str:
    """An opaque cursor for an ordering key (dates and times as ISO strings)."""
    text = json.dumps(list(key), default=_iso)
    return base64.urlsafe_b64encode(text.encode()).decode()


def _iso(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def within_database_range(value: int) -> bool:
    """Whether ``value`` and its negation (newest-first keys are stored negated) fit
    a 64-bit column."""
    return -MAX_DATABASE_INT <= value <= MAX_DATABASE_INT


def decode_cursor(cursor: str, width: int, *, integers: bool = False) -> list[Any]:
    """The ordering key inside a cursor; VALIDATION when it was tampered with."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, RecursionError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != width
        or (integers and not all(type(part) is int for part in key))
        # a key part is one column's value; a list or object fails in the driver
        or not all(part is None or isinstance(part, str | int | float) for part in key)
        or not all(within_database_range(part) for part in key if type(part) is int)
    ):
        raise ValidationFailed("The cursor is not valid for this list.", field="after")
    return key
