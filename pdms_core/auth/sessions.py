"""Signing in and out: sessions with idle and absolute expiry, and throttling.

Staff sign in with their email address or their username. Attempts are counted per
account key and per IP before the password is checked. The account key is the hash of
the account's lower-cased email wherever the name given (email or username) finds an
account, so trying a user's email and username in turn gives no more guesses; where
it finds none, the hash of the name itself. Either way the same statements run and a
password hash is checked (a dummy one), so timing does not tell. Counting is one atomic
step (auth/throttle.py): of any number of concurrent guesses, at most the limit reach
the password check. Over the limit, every attempt gets the same THROTTLED answer for
the rest of the window, so the answer never reveals whether an account exists. A
successful sign-in clears its account's count and gives its IP attempt back, so an
office behind one address is limited by its failures only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdms_core.auth import throttle
from pdms_core.auth.changes import AUTH_SCOPES, user_scope
from pdms_core.auth.models import StaffSession, StaffUser
from pdms_core.auth.passwords import HashingBusy, verify_in_pool
from pdms_core.auth.permissions import user_grants
from pdms_core.auth.tokens import SESSION_PREFIX, aware, digest, new_secret, now
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.errors import ErrorCode, NotFound, UserError
from pdms_core.settings import Settings

THROTTLE_WINDOW = timedelta(minutes=5)
MAX_ACCOUNT_FAILURES = 10
MAX_IP_FAILURES = 50
#: last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)
WRONG_CREDENTIALS = "The email address, username or password is not right."
TOO_MANY = "Too many attempts. Wait a few minutes and try again."


class Throttled(UserError):
    """Too many failed attempts; the same answer whether or not the account exists."""

    code = ErrorCode.THROTTLED


class WrongCredentials(UserError):
    """Email or password wrong (or the account inactive): one message for all."""

    code = ErrorCode.UNAUTHENTICATED


@dataclass
class SignedIn:
    """A new session: the token is shown once and never stored."""

    token: str
    session: StaffSession
    user: StaffUser


def email_key(email: str) -> str:
    """The case-insensitive key of an email address."""
    return email.strip().lower()


def account_limit(email_key_value: str) -> throttle.Limit:
    """The per-account limit, shared by sign-in and password changes."""
    return throttle.Limit(
        f"login:account:{digest(email_key_value)}", MAX_ACCOUNT_FAILURES, THROTTLE_WINDOW
    )


def ip_limit(ip: str) -> throttle.Limit:
    return throttle.Limit(f"login:ip:{ip}", MAX_IP_FAILURES, THROTTLE_WINDOW)


async def take_attempt(
    sessionmaker: async_sessionmaker[AsyncSession], *limits: throttle.Limit
) -> None:
    """Count an attempt against ``limits`` before any password is checked; Throttled
    (nothing counted) when one is used up."""
    if not await throttle.take(sessionmaker, limits):
        raise Throttled(TOO_MANY)


async def login(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    identifier: str,
    password: str,
    ip: str,
    user_agent: str | None = None,
    keep_signed_in: bool = False,
) -> SignedIn:
    """Check the password of the account ``identifier`` (an email address or a
    username) names and open a session; UserError (never which part was wrong).

    No transaction is open while the password is checked: the check queues for the
    hashing pool, and holding a pooled connection meanwhile would starve other requests.
    """
    key = email_key(identifier)
    # Usernames never contain "@" (auth/users.py), so one column can match, not both.
    column = StaffUser.email_key if "@" in key else StaffUser.username
    async with sessionmaker() as reader:
        found = (
            await reader.execute(
                select(
                    StaffUser.id,
                    StaffUser.email_key,
                    StaffUser.password_hash,
                    StaffUser.is_active,
                ).where(column == key)
            )
        ).first()
    account = account_limit(found.email_key if found else key)
    by_ip = ip_limit(ip)
    await take_attempt(sessionmaker, account, by_ip)
    try:
        # Unknown names are checked against a dummy hash: the same time and answer.
        ok, new_hash = await verify_in_pool(
            found.password_hash if found else None,
            password,
            max_in_flight=settings.max_password_hashes,
        )
    except HashingBusy:
        # Not checked, so not counted: a busy server does not lock anyone out.
        await throttle.give_back_now(sessionmaker, account.key, by_ip.key)
        raise
    if found is None or not ok or not found.is_active:
        raise WrongCredentials(WRONG_CREDENTIALS)
    async with unit_of_work(sessionmaker) as session:
        # Writes first: on SQLite a transaction that starts by writing waits its turn.
        await throttle.clear(session, account.key)
        await throttle.give_back(session, by_ip.key)
        user = await session.get(StaffUser, found.id)
        if user is None or not user.is_active:
            raise WrongCredentials(WRONG_CREDENTIALS)
        if new_hash is not None:
            user.password_hash = new_hash
        return await open_session(
            session, settings, user, ip=ip, user_agent=user_agent, keep_signed_in=keep_signed_in
        )


async def open_session(
    session: AsyncSession,
    settings: Settings,
    user: StaffUser,
    *,
    ip: str | None,
    user_agent: str | None,
    keep_signed_in: bool,
) -> SignedIn:
    started = now()
    lifetime = (
        timedelta(days=settings.session_remember_days)
        if keep_signed_in
        else timedelta(hours=settings.session_hours)
    )
    token = new_secret(SESSION_PREFIX)
    row = StaffSession(
        user_id=user.id,
        token_hash=digest(token),
        created_at=started,
        last_seen_at=started,
        expires_at=started + lifetime,
        persistent=keep_signed_in,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(row)
    await session.flush()
    return SignedIn(token=token, session=row, user=user)


async def resolve_session(connection: Any, settings: Settings, token: str) -> list[Row[Any]]:
    """The active session behind a token, with its user's grants: rows of ``user_id``,
    ``display_name``, ``session_id``, ``last_seen_at``, ``expires_at``, ``permission``
    and ``team_id``,
    one per grant (one with a null permission for a user with none); empty without
    such a session. A read; see :func:`touch_session`.

    ``connection`` is a connection or a session: signing in reads on a plain connection
    of the readers' pool (``Database.reading_engine``), since every request does it."""
    current = now()
    found = await connection.execute(
        _session_by_token(),
        {
            "token_hash": digest(token),
            "now": current,
            "idle_since": current - timedelta(minutes=settings.session_idle_minutes),
        },
    )
    return found.all()


@cache
def _session_by_token() -> Any:
    # Built once: every request signs in with it, and building it (and the cache key
    # SQLAlchemy keeps on the statement object) cost about as much as running it. The
    # user's grants come in the same statement: one round trip to sign in, not two.
    grants = user_grants()
    return (
        select(
            StaffUser.id.label("user_id"),
            StaffUser.display_name,
            StaffSession.id.label("session_id"),
            StaffSession.last_seen_at,
            StaffSession.expires_at,
            grants.c.permission,
            grants.c.team_id,
        )
        .join(StaffSession, StaffSession.user_id == StaffUser.id)
        .outerjoin(grants, grants.c.user_id == StaffUser.id)
        .where(
            StaffSession.token_hash == bindparam("token_hash"),
            StaffSession.revoked_at.is_(None),
            StaffSession.expires_at > bindparam("now", type_=StaffSession.expires_at.type),
            StaffSession.last_seen_at
            > bindparam("idle_since", type_=StaffSession.last_seen_at.type),
            StaffUser.is_active.is_(True),
        )
    )


async def touch_session(session: AsyncSession, session_id: int) -> bool:
    """Refresh a session's idle timer; False when it was refreshed less than a minute
    ago (by another process, say).

    Run it in a transaction of its own that starts with this write, not after the
    read that found the session: on SQLite a read-then-write transaction cannot wait
    for a concurrent writer and fails with "database is locked", while one that
    starts by writing waits its turn.
    """
    current = now()
    result = await session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.last_seen_at < current - TOUCH_EVERY)
        .values(last_seen_at=current)
        # the idle timer changes no cached sign-in (auth/changes.py)
        .execution_options(synchronize_session=False, **{AUTH_SCOPES: ()})
    )
    return result.rowcount == 1


async def revoke_session(session: AsyncSession, user_id: int, session_id: int) -> StaffSession:
    """End one of the user's own sessions."""
    row = await session.get(StaffSession, session_id)
    if row is None or row.user_id != user_id:
        raise NotFound("There is no such session.", field="id")
    if row.revoked_at is None:
        row.revoked_at = now()
    return row


async def revoke_all_sessions(session: AsyncSession, user_id: int) -> None:
    """End every session of a user (password reset, deactivation)."""
    await session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now())
        .execution_options(synchronize_session=False, **{AUTH_SCOPES: (user_scope(user_id),)})
    )


async def own_sessions(session: AsyncSession, user_id: int) -> list[StaffSession]:
    """The user's sessions that have not ended, newest first."""
    current = now()
    rows = await session.scalars(
        select(StaffSession)
        .where(
            StaffSession.user_id == user_id,
            StaffSession.revoked_at.is_(None),
            StaffSession.expires_at > current,
        )
        .order_by(StaffSession.created_at.desc(), StaffSession.id.desc())
    )
    return list(rows)


def session_expiry(settings: Settings, row: StaffSession) -> datetime:
    """When the session ends if left idle (or at its absolute expiry, if sooner)."""
    idle = aware(row.last_seen_at) + timedelta(minutes=settings.session_idle_minutes)
    return min(idle, aware(row.expires_at))
