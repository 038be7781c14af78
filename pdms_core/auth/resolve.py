"""Who is calling: a staff session or a partner API key, from the request.

Credentials come in an ``Authorization: Bearer <token>`` header (sessions and API
keys), or, for browser portals, in the HttpOnly session cookie. A cookie counts only
with a matching ``X-CSRF-Token`` header (double-submit), so another site cannot make
a signed-in browser send a request that acts as its user. Credentials that are
present but invalid make the caller anonymous; they never fall back to anything else.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from pdms_core.auth.actor import ANONYMOUS, Actor
from pdms_core.auth.apikeys import key_actor, key_needs_touch, resolve_api_key, touch_api_key
from pdms_core.auth.permissions import actor_for_user
from pdms_core.auth.sessions import needs_touch, resolve_session, touch_session
from pdms_core.auth.tokens import API_KEY_PREFIX, SESSION_PREFIX
from pdms_core.db.engine import Database
from pdms_core.settings import Settings

SESSION_COOKIE = "pdms_session"
CSRF_COOKIE = "pdms_csrf"
CSRF_HEADER = "x-csrf-token"
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class Resolved:
    actor: Actor
    session_id: int | None = None


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
    request: Any, database: Database, settings: Settings
) -> Resolved | None:
    """The caller behind the request's credentials; None when it presents none."""
    token = presented_token(request)
    if token is None:
        return None
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return Resolved(ANONYMOUS)
    if token.startswith(SESSION_PREFIX):
        return await _signed_in_caller(database, settings, token)
    if token.startswith(API_KEY_PREFIX):
        return await _key_holder(database, token)
    return Resolved(ANONYMOUS)


async def _key_holder(database: Database, token: str) -> Resolved:
    # reads only: the readers' pool, without a transaction round trip on PostgreSQL
    async with database.readers() as session, session.begin():
        key = await resolve_api_key(session, token)
        if key is None:
            return Resolved(ANONYMOUS)
        resolved = Resolved(await key_actor(session, key))
        stale = key_needs_touch(key)
    if stale:  # at most once a minute, in a write transaction of its own
        async with database.sessionmaker() as session, session.begin():
            await touch_api_key(session, key.id)
    return resolved


async def _signed_in_caller(database: Database, settings: Settings, token: str) -> Resolved:
    # reads only, on a plain connection of the readers' pool: without a transaction
    # round trip on PostgreSQL, and without a session's bookkeeping for the read that
    # every request makes
    async with database.reading_engine.connect() as connection:
        rows = await resolve_session(connection, settings, token)
    if not rows:
        return Resolved(ANONYMOUS)
    found = rows[0]
    grants = [(row.permission, row.team_id) for row in rows]
    actor = actor_for_user(found.user_id, found.display_name, grants)
    if needs_touch(found):  # at most once a minute, in a write transaction of its own
        async with database.sessionmaker() as session, session.begin():
            await touch_session(session, found.session_id)
    return Resolved(actor, found.session_id)


def client_ip(request: Any) -> str:
    """The peer address (put a trusted proxy's address handling in front if needed)."""
    client = getattr(request, "client", None)
    return client.host if client else "unknown"
