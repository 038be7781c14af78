"""Forgotten and changed passwords, and invitations.

Reset tokens are single-use, stored hashed and expire after 30 minutes (invitations
after 72 hours). Asking for a reset answers the same whether or not the account
exists; a reset ends every session of the account.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.models import PasswordResetToken, StaffSession, StaffUser
from pdms_core.auth.passwords import check_policy, hash_password, verify_password
from pdms_core.auth.sessions import email_key, revoke_all_sessions
from pdms_core.auth.tokens import RESET_PREFIX, digest, new_secret, now
from pdms_core.errors import ValidationFailed
from pdms_core.notifications.outbox import queue_message
from pdms_core.settings import Settings

RESET_LIFETIME = timedelta(minutes=30)
INVITE_LIFETIME = timedelta(hours=72)
BAD_TOKEN = "This link is not valid any more; ask for a new one."


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


async def request_password_reset(session: AsyncSession, settings: Settings, email: str) -> None:
    """Email a reset link if an active account has this address; silent otherwise."""
    user = await session.scalar(select(StaffUser).where(StaffUser.email_key == email_key(email)))
    if user is None or not user.is_active:
        return
    token = await issue_token(session, user, RESET_LIFETIME)
    await queue_message(
        session,
        kind="password_reset",
        recipient=user.email,
        subject="Reset your PDMS password",
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


async def reset_password(session: AsyncSession, token: str, new_password: str) -> StaffUser:
    """Use a reset token once: set the password and end every session."""
    current = now()
    row = await session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == digest(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > current,
        )
    )
    if row is None:
        raise ValidationFailed(BAD_TOKEN, field="token")
    user = await session.get(StaffUser, row.user_id)
    if user is None or not user.is_active:
        raise ValidationFailed(BAD_TOKEN, field="token")
    check_policy(new_password, field="newPassword")
    # Claim the token first: of two concurrent uses only one updates the row.
    claimed = await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=current)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise ValidationFailed(BAD_TOKEN, field="token")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = current
    await revoke_all_sessions(session, user.id)
    await _retire_tokens(session, user.id)
    return user


async def change_password(
    session: AsyncSession,
    user_id: int,
    *,
    current_password: str,
    new_password: str,
    keep_session_id: int | None,
) -> StaffUser:
    """Change a password, given the current one; other sessions end."""
    user = await session.get(StaffUser, user_id)
    ok, _ = verify_password(user.password_hash if user else None, current_password)
    if user is None or not ok:
        raise ValidationFailed("The current password is not right.", field="currentPassword")
    check_policy(new_password, field="newPassword")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now()
    await session.execute(
        update(StaffSession)
        .where(
            StaffSession.user_id == user.id,
            StaffSession.revoked_at.is_(None),
            StaffSession.id != (keep_session_id or -1),
        )
        .values(revoked_at=now())
        .execution_options(synchronize_session=False)
    )
    return user


async def _retire_tokens(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
