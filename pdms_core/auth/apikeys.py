"""Partner agency API keys: scoped, expiring, revocable, rate limited.

A key reads ``pdms_k_<prefix>.<secret>``. The prefix is stored in clear so admins can
tell keys apart; the whole key is stored only as SHA-256 and shown once, at creation.
A key's permissions are its data-sharing scope: a key scoped to one module's
permissions cannot reach another module's fields, and a read-only key holds only
``*.read`` permissions and may run no mutation.

A key never holds more than its creator. It keeps the teams its creator's permissions
were limited to (``api_key_team``), and each time it is used it is narrowed again to
what the creator holds then: a key made by someone who has since lost a role, or left
(deactivated), loses the same with them. Keys made by the system (CLI, importers) are
not narrowed; keys cannot make keys, so the narrowing never has to follow a chain.
"""

from __future__ import annotations

import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import ANONYMOUS, DEVELOPER, SYSTEM, Actor, ActorKind
from pdms_core.auth.changes import AUTH_SCOPES
from pdms_core.auth.models import ApiKey, ApiKeyTeam, StaffUser
from pdms_core.auth.permissions import actor_for_user, user_grants
from pdms_core.auth.tokens import API_KEY_PREFIX, aware, digest, now
from pdms_core.errors import NotFound, PermissionDenied, ValidationFailed
from pdms_core.lookups.services import active_value

AGENCY = "partner_agency"
TOUCH_EVERY = timedelta(seconds=60)
MAX_RATE = 10_000
#: Creators whose keys are not narrowed to a user's grants (they hold everything).
UNLIMITED_CREATORS = frozenset({SYSTEM.id, DEVELOPER.id})

#: A key's scope: each code, with the teams it is limited to (None: council-wide).
Scope = dict[str, frozenset[int] | None]


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
    """A new key; its secret is returned once and never stored. Each code keeps the
    teams ``actor`` holds it within (see the module's docstring)."""
    if actor.kind not in (ActorKind.USER, ActorKind.SYSTEM):
        # a key's key would have to be narrowed through its whole chain of creators
        raise PermissionDenied("Only staff users can create API keys.")
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
        raise PermissionDenied("You can only delegate permissions you hold.", field="permissions")
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
    for code in codes:
        for team_id in sorted(actor.teams_for(code) or ()):
            session.add(ApiKeyTeam(api_key_id=key.id, permission=code, team_id=team_id))
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


async def touch_api_key(session: AsyncSession, key_id: int) -> bool:
    """Note a key's use, in a transaction of its own that starts with this write;
    False when it was noted less than a minute ago (by another process, say).

    Not after the read that found the key: on SQLite a read-then-write transaction
    cannot wait for a concurrent writer and fails with "database is locked" (see
    ``sessions.touch_session``).
    """
    current = now()
    result = await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            (ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at < current - TOUCH_EVERY),
        )
        .values(last_used_at=current)
        # a note of use changes no cached sign-in (auth/changes.py)
        .execution_options(synchronize_session=False, **{AUTH_SCOPES: ()})
    )
    return result.rowcount == 1


async def key_actor(session: AsyncSession, key: ApiKey) -> Actor:
    """The actor of a live key: its stored scope, narrowed to its creator's grants now."""
    scope: Scope = dict.fromkeys(key.permissions.split())
    limits: dict[str, set[int]] = defaultdict(set)
    rows = await session.execute(
        select(ApiKeyTeam.permission, ApiKeyTeam.team_id).where(ApiKeyTeam.api_key_id == key.id)
    )
    for code, team_id in rows:
        limits[code].add(team_id)
    scope.update({code: frozenset(teams) for code, teams in limits.items() if code in scope})
    if key.created_by not in UNLIMITED_CREATORS:
        scope = narrow(scope, await _creator(session, key))
    return actor_for_key(key, scope)


def key_creator_id(key: ApiKey) -> int | None:
    """The staff user whose grants narrow the key; None for the system's keys."""
    kind, _, number = key.created_by.partition(":")
    if key.created_by in UNLIMITED_CREATORS or kind != "user" or not number.isdigit():
        return None
    return int(number)


async def _creator(session: AsyncSession, key: ApiKey) -> Actor:
    """The key's creator as signing in would make them now; nobody (holding nothing)
    when the creator is not an active staff user."""
    user_id = key_creator_id(key)
    if user_id is None:
        return ANONYMOUS
    grants = user_grants()
    rows = await session.execute(
        select(grants.c.permission, grants.c.team_id)
        .join(StaffUser, StaffUser.id == grants.c.user_id)
        .where(grants.c.user_id == user_id, StaffUser.is_active.is_(True))
    )
    return actor_for_user(user_id, "", rows.all())


def narrow(scope: Scope, holder: Actor) -> Scope:
    """``scope`` limited to what ``holder`` reaches: a code only if they hold it, and
    within teams only where either side is limited to teams."""
    narrowed: Scope = {}
    for code, teams in scope.items():
        if not holder.has(code):
            continue
        held = holder.teams_for(code)
        if held is not None:
            teams = held if teams is None else teams & held
        if teams is None or teams:
            narrowed[code] = teams
    return narrowed


def actor_for_key(key: ApiKey, scope: Scope) -> Actor:
    """A key's actor holding ``scope``; a read-only key keeps only its ``*.read`` codes."""
    if key.read_only:
        scope = {code: teams for code, teams in scope.items() if _is_read(code)}
    return Actor(
        kind=ActorKind.API_KEY,
        id=f"apikey:{key.id}",
        display_name=key.name,
        permissions=frozenset(scope),
        global_permissions=frozenset(code for code, teams in scope.items() if teams is None),
        team_grants=frozenset(
            (code, team_id) for code, teams in scope.items() for team_id in teams or ()
        ),
        rate_limit_per_minute=key.rate_limit_per_minute,
        read_only=key.read_only,
    )
