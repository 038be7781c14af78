"""Partner agency API keys: scoped, expiring, revocable, rate limited.

A key reads ``pdms_k_<prefix>.<secret>``. The prefix is stored in clear so admins can
tell keys apart; the whole key is stored only as SHA-256 and shown once, at creation.
A key's permissions are its data-sharing scope: a key scoped to one module's
permissions cannot reach another module's fields, and a read-only key holds only
``*.read`` permissions and may run no mutation.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.auth.models import ApiKey
from pdms_core.auth.tokens import API_KEY_PREFIX, aware, digest, now
from pdms_core.errors import NotFound, ValidationFailed
from pdms_core.lookups.services import active_value

AGENCY = "partner_agency"
TOUCH_EVERY = timedelta(seconds=60)
MAX_RATE = 10_000


@dataclass
class NewApiKey:
    key: ApiKey
    secret: str

    @property
    def audit_target(self) -> ApiKey:
        return self.key


def _is_read(code: str) -> bool:
    return code.rsplit(".", 1)[-1] == "read"


async def create_api_key(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    agency_code: str,
    permissions: list[str],
    read_only: bool,
    expires_at: datetime | None,
    rate_limit_per_minute: int,
    declared: set[str],
) -> NewApiKey:
    """A new key; its secret is returned once and never stored."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ValidationFailed("Enter a name of 1 to 200 characters.", field="name")
    codes = sorted(set(permissions))
    if not codes:
        raise ValidationFailed("Give the key at least one permission.", field="permissions")
    unknown = [c for c in codes if c not in declared]
    if unknown:
        raise ValidationFailed(
            f"No enabled module declares {', '.join(unknown)}.", field="permissions"
        )
    if read_only and not all(_is_read(c) for c in codes):
        raise ValidationFailed(
            "A read-only key can hold only *.read permissions.", field="permissions"
        )
    if not actor.all_permissions and not set(codes) <= actor.permissions:
        raise ValidationFailed("You can only delegate permissions you hold.", field="permissions")
    if expires_at is not None and aware(expires_at) <= now():
        raise ValidationFailed("The expiry must be in the future.", field="expiresAt")
    if not 1 <= rate_limit_per_minute <= MAX_RATE:
        raise ValidationFailed(f"Between 1 and {MAX_RATE}.", field="rateLimitPerMinute")
    agency = await active_value(session, AGENCY, agency_code, field="agencyCode")
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"
    key = ApiKey(
        prefix=prefix,
        key_hash=digest(secret),
        name=name,
        agency_id=agency.id,
        permissions=" ".join(codes),
        read_only=read_only,
        rate_limit_per_minute=rate_limit_per_minute,
        created_at=now(),
        created_by=actor.id or "system",
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    return NewApiKey(key=key, secret=secret)


async def revoke_api_key(session: AsyncSession, key_id: int) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("There is no such API key.", field="id")
    if key.revoked_at is None:
        key.revoked_at = now()
    await session.flush()
    return key


async def resolve_api_key(session: AsyncSession, token: str) -> ApiKey | None:
    """The live key behind ``token`` (not revoked, not expired): a read; see
    :func:`touch_api_key` for noting its use."""
    body = token.removeprefix(API_KEY_PREFIX)
    prefix, dot, _ = body.partition(".")
    if not dot or len(prefix) != 8:
        return None
    current = now()
    key = await session.scalar(
        select(ApiKey).where(
            ApiKey.prefix == prefix,
            ApiKey.revoked_at.is_(None),
            (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > current),
        )
    )
    if key is None or not hmac.compare_digest(key.key_hash, digest(token)):
        return None
    return key


def key_needs_touch(key: ApiKey) -> bool:
    """Whether the key's last use is due a refresh (at most once a minute)."""
    last = aware(key.last_used_at)
    return last is None or last < now() - TOUCH_EVERY


async def touch_api_key(session: AsyncSession, key_id: int) -> None:
    """Note a key's use, in a transaction of its own that starts with this write.

    Not after the read that found the key: on SQLite a read-then-write transaction
    cannot wait for a concurrent writer and fails with "database is locked" (see
    ``sessions.touch_session``).
    """
    current = now()
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            (ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at < current - TOUCH_EVERY),
        )
        .values(last_used_at=current)
        .execution_options(synchronize_session=False)
    )


def actor_for_key(key: ApiKey) -> Actor:
    codes = frozenset(key.permissions.split())
    if key.read_only:
        codes = frozenset(c for c in codes if _is_read(c))
    return Actor(
        kind=ActorKind.API_KEY,
        id=f"apikey:{key.id}",
        display_name=key.name,
        permissions=codes,
        global_permissions=codes,
        rate_limit_per_minute=key.rate_limit_per_minute,
        read_only=key.read_only,
    )
