"""Opaque secrets: generated with 256 bits of randomness, stored only as SHA-256.

A fast hash suffices because the secrets are random and long (unlike passwords);
it lets the database find a token by its hash with a unique index.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

SESSION_PREFIX = "pdms_s_"
RESET_PREFIX = "pdms_r_"
API_KEY_PREFIX = "pdms_k_"


def new_secret(prefix: str) -> str:
    """A fresh opaque token with a recognisable prefix."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    """The current time in UTC (one place, so tests can reason about it)."""
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; PDMS stores UTC everywhere."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
