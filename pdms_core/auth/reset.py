"""Forgotten and changed passwords, and invitations.

Reset tokens are single-use, stored hashed and expire after 30 minutes (invitations
after 72 hours). A reset ends every session of the account.

Asking for a reset only records the request (an outbox row of kind
``password_reset_request`` holding the lower-cased address) after counting it against
per-address and per-IP limits; the request never looks the account up, so known and
unknown addresses run the same statements and answer alike, in the same time. The
outbox sender (``pdms notifications send``) looks the address up later: for an active
account it issues the token and emails the link; otherwise it drops the row. The token
therefore exists only in the email, never in the outbox.

Changing a password needs the current one; wrong current passwords count against the
account's sign-in limit (auth/sessions.py), checked before the password is.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdms_core.auth import throttle
from pdms_core.auth.changes import AUTH_SCOPES, user_scope
from pdms_core.auth.models import PasswordResetToken, StaffSession, StaffUser
from pdms_core.auth.passwords import HashingBusy, check_policy, hash_in_pool, verify_in_pool
from pdms_core.auth.sessions import (
    Throttled,
    account_limit,
    email_key,
    revoke_all_sessions,
    take_attempt,
)
from pdms_core.auth.tokens import RESET_PREFIX, digest, new_secret, now
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.errors import ValidationFailed
from pdms_core.notifications.outbox import Outgoing, queue_message
from pdms_core.settings import Settings

RESET_LIFETIME = timedelta(minutes=30)
INVITE_LIFETIME = timedelta(hours=72)
BAD_TOKEN = "This link is not valid any more; ask for a new one."
#: The outbox kind of a recorded request; the sender turns it into the email.
RESET_REQUEST = "password_reset_request"
RESET_SUBJECT = "Reset your PDMS password"
#: Requests counted per address (whether or not an account has it) and per client IP.
RESET_WINDOW = timedelta(hours=1)
RESETS_PER_ADDRESS = 3
RESETS_PER_IP = 20
#: The longest address the outbox (and an account) holds.
MAX_EMAIL = 320


async def issue_token(session: AsyncSession, user: StaffUser, lifetime: timedelta) -> str:
    """A new single-use token for ``user``; earlier unused ones stop working."""
    current = now()
    await _retire_tokens(session, user.id)
    token = new_secret(RESET_PREFIX)
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=digest(token),
            created_at=current,
            expires_at=current + lifetime,
        )
    )
    await session.flush()
    return token


async def request_password_reset(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], email: str, ip: str
) -> None:
    """Record a reset request for the outbox sender in ``session`` (the mutation's unit
    of work); Throttled over the limits. Nothing here depends on whether an account
    has the address."""
    key = email_key(email)
    limits = (
        throttle.Limit(f"reset:address:{digest(key)}", RESETS_PER_ADDRESS, RESET_WINDOW),
        throttle.Limit(f"reset:ip:{ip}", RESETS_PER_IP, RESET_WINDOW),
    )
    if not await throttle.take(sessionmaker, limits):
        raise Throttled("Too many reset requests. Wait an hour and try again.")
    if len(key) > MAX_EMAIL:
        return  # no account has it; cut short, it could name another one
    await queue_message(session, kind=RESET_REQUEST, recipient=key, subject=RESET_SUBJECT, body="")


async def compose_reset(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, address: str
) -> Outgoing | None:
    """The reset email for a recorded request, with a new token; None when no active
    account has the address (the sender then drops the request)."""
    async with unit_of_work(sessionmaker) as session:
        user = await session.scalar(select(StaffUser).where(StaffUser.email_key == address))
        if user is None or not user.is_active:
            return None
        token = await issue_token(session, user, RESET_LIFETIME)
    return Outgoing(
        recipient=user.email,
        subject=RESET_SUBJECT,
        body=(
            f"Hello {user.display_name},\n\n"
            "Someone (hopefully you) asked to reset your PDMS password. Use this link "
            "within 30 minutes:\n\n"
            f"{settings.public_url}/reset-password?token={token}\n\n"
            "If you did not ask, ignore this email: your password stays as it is.\n"
        ),
    )


async def queue_invitation(session: AsyncSession, settings: Settings, user: StaffUser) -> None:
    """Email a new user a link to choose their password."""
    token = await issue_token(session, user, INVITE_LIFETIME)
    await queue_message(
        session,
        kind="invitation",
        recipient=user.email,
        subject="Your PDMS account",
        body=(
            f"Hello {user.display_name},\n\n"
            "An account has been created for you. Choose your password within 72 hours:\n\n"
            f"{settings.public_url}/reset-password?token={token}\n"
        ),
    )


async def reset_password(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    token: str,
    new_password: str,
) -> StaffUser:
    """Use a reset token once: set the password and end every session.

    ``session`` is the mutation's unit of work; it is first used to claim the token (a
    write), after the new password is hashed outside any transaction."""
    check_policy(new_password, field="newPassword")
    async with sessionmaker() as reader:
        row = await reader.scalar(select(PasswordResetToken.id).where(*_usable(token)))
    if row is None:
        raise ValidationFailed(BAD_TOKEN, field="token")
    new_hash = await hash_in_pool(new_password, max_in_flight=settings.max_password_hashes)
    current = now()
    # Claim the token first: of two concurrent uses only one updates the row.
    claimed = await session.scalar(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row, *_usable(token))
        .values(used_at=current)
        .returning(PasswordResetToken.user_id)
        .execution_options(synchronize_session=False)
    )
    user = await session.get(StaffUser, claimed) if claimed is not None else None
    if user is None or not user.is_active:
        raise ValidationFailed(BAD_TOKEN, field="token")
    user.password_hash = new_hash
    user.password_changed_at = current
    await revoke_all_sessions(session, user.id)
    await _retire_tokens(session, user.id)
    return user


def _usable(token: str) -> tuple:
    return (
        PasswordResetToken.token_hash == digest(token),
        PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > now(),
    )


async def change_password(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    user_id: int,
    *,
    current_password: str,
    new_password: str,
    keep_session_id: int | None,
) -> StaffUser:
    """Change a password, given the current one; other sessions end.

    A wrong current password counts like a failed sign-in of the account, before it
    is checked; over the limit the answer is THROTTLED even for the right one."""
    check_policy(new_password, field="newPassword")
    async with sessionmaker() as reader:
        found = (
            await reader.execute(
                select(StaffUser.email_key, StaffUser.password_hash).where(StaffUser.id == user_id)
            )
        ).first()
    if found is None:
        raise ValidationFailed("The current password is not right.", field="currentPassword")
    account = account_limit(found.email_key)
    await take_attempt(sessionmaker, account)
    bound = settings.max_password_hashes
    try:
        ok, _ = await verify_in_pool(found.password_hash, current_password, max_in_flight=bound)
        new_hash = await hash_in_pool(new_password, max_in_flight=bound) if ok else None
    except HashingBusy:
        await throttle.give_back_now(sessionmaker, account.key)
        raise
    if new_hash is None:
        raise ValidationFailed("The current password is not right.", field="currentPassword")
    # A write first (see sessions.login); the right password clears the count.
    await throttle.clear(session, account.key)
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise ValidationFailed("The current password is not right.", field="currentPassword")
    user.password_hash = new_hash
    user.password_changed_at = now()
    await session.execute(
        update(StaffSession)
        .where(
            StaffSession.user_id == user.id,
            StaffSession.revoked_at.is_(None),
            StaffSession.id != (keep_session_id or -1),
        )
        .values(revoked_at=now())
        .execution_options(synchronize_session=False, **{AUTH_SCOPES: (user_scope(user.id),)})
    )
    return user


async def _retire_tokens(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
