"""Who is calling: a staff session or a partner API key, from the request.

Credentials come in an ``Authorization: Bearer <token>`` header (sessions and API
keys), or, for browser portals, in the HttpOnly session cookie. A cookie counts only
with a matching ``X-CSRF-Token`` header (double-submit), so another site cannot make
a signed-in browser send a request that acts as its user. Credentials that are
present but invalid make the caller anonymous; they never fall back to anything else.

With Redis configured, a server process answers a token it has seen lately from
memory (auth/cache.py); commits that change sign-in facts end such answers on every
process at once (auth/changes.py).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from pdms_core.auth.actor import ANONYMOUS, Actor
from pdms_core.auth.apikeys import key_actor, key_creator_id, resolve_api_key, touch_api_key
from pdms_core.auth.cache import Found, SignInCache
from pdms_core.auth.changes import ALL, key_scope, user_scope
from pdms_core.auth.permissions import actor_for_user
from pdms_core.auth.sessions import TOUCH_EVERY, resolve_session, touch_session
from pdms_core.auth.tokens import API_KEY_PREFIX, SESSION_PREFIX, aware, digest, now
from pdms_core.db.engine import Database
from pdms_core.settings import Settings

SESSION_COOKIE = "pdms_session"
CSRF_COOKIE = "pdms_csrf"
CSRF_HEADER = "x-csrf-token"
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class Resolved:
    """Who signed in: a staff session's user, or an API key's holder."""

    actor: Actor
    session_id: int | None = None
    key_id: int | None = None


def presented_token(request: Any) -> str | None:
    """The bearer token or (CSRF-checked) session cookie the request carries."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        csrf_cookie = request.cookies.get(CSRF_COOKIE) or ""
        csrf_header = request.headers.get(CSRF_HEADER) or ""
        if csrf_cookie and hmac.compare_digest(csrf_cookie, csrf_header):
            return cookie
        return ""
    return None


async def resolve_credentials(
    request: Any, database: Database, settings: Settings, cache: SignInCache | None = None
) -> Resolved | None:
    """The caller behind the request's credentials; None when it presents none.

    With a ``cache`` (auth/cache.py) a token seen lately is answered from memory."""
    token = presented_token(request)
    if token is None:
        return None
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return Resolved(ANONYMOUS)
    if token.startswith(SESSION_PREFIX):
        load, touch = partial(_signed_in_caller, database, settings, token), _touch_session
    elif token.startswith(API_KEY_PREFIX):
        load, touch = partial(_key_holder, database, token), _touch_key
    else:
        return Resolved(ANONYMOUS)
    token_hash = digest(token)
    found = await (load() if cache is None else cache.resolve(token_hash, load))
    if found is None:
        return Resolved(ANONYMOUS)
    current = now()
    if found.last_seen is None or found.last_seen < current - TOUCH_EVERY:
        # at most once a minute, in a write transaction of its own
        async with database.sessionmaker() as session, session.begin():
            written = await touch(session, found.value)
        if cache is not None:
            cache.touched(token_hash, found, written, current)
    return found.value


async def _key_holder(database: Database, token: str) -> Found | None:
    # reads only: the readers' pool, without a transaction round trip on PostgreSQL
    async with database.readers() as session, session.begin():
        key = await resolve_api_key(session, token)
        if key is None:
            return None
        actor = await key_actor(session, key)
    scopes = (ALL, key_scope(key.id))
    creator = key_creator_id(key)
    if creator is not None:  # the key is narrowed to its creator's grants
        scopes += (user_scope(creator),)
    return Found(
        Resolved(actor, key_id=key.id), scopes, aware(key.expires_at), aware(key.last_used_at)
    )


async def _touch_key(session: Any, resolved: Resolved) -> bool:
    return await touch_api_key(session, resolved.key_id)


async def _signed_in_caller(database: Database, settings: Settings, token: str) -> Found | None:
    # reads only, on a plain connection of the readers' pool: without a transaction
    # round trip on PostgreSQL, and without a session's bookkeeping for the read that
    # every request makes
    async with database.reading_engine.connect() as connection:
        rows = await resolve_session(connection, settings, token)
    if not rows:
        return None
    found = rows[0]
    grants = [(row.permission, row.team_id) for row in rows]
    actor = actor_for_user(found.user_id, found.display_name, grants)
    return Found(
        Resolved(actor, found.session_id),
        (ALL, user_scope(found.user_id)),
        aware(found.expires_at),
        aware(found.last_seen_at),
        timedelta(minutes=settings.session_idle_minutes),
    )


async def _touch_session(session: Any, resolved: Resolved) -> bool:
    return await touch_session(session, resolved.session_id)


def client_ip(request: Any) -> str:
    """The peer address (put a trusted proxy's address handling in front if needed)."""
    client = getattr(request, "client", None)
    return client.host if client else "unknown"
