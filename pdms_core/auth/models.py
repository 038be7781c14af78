"""Staff users and teams: who owns cases, does the work and gets reminders.

Teams belong to a module (``None`` for council-wide teams) and have a configurable
team type. Sign-in, roles and API keys build on these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime


class StaffUser(Versioned, Base):
    """A council officer or administrator."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    #: Lower-cased email: unique, so two accounts never differ only by case.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    #: Optional sign-in name, stored lower-cased; never contains "@", so it can never
    #: be mistaken for another user's email address at sign-in.
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    #: Argon2id hash (PHC string); null until the user sets a password from an invite.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Team(Versioned, Base):
    """A team that owns cases and receives work, within a module or council-wide."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("module", "code"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    module: Mapped[str] = mapped_column(String(60), index=True)
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: Shared inbox for reminders addressed to the team.
    email: Mapped[str | None] = mapped_column(String(320))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class TeamMembership(Base):
    """A user's membership of a team."""

    __tablename__ = "team_membership"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)


class Role(Versioned, Base):
    """A configurable, named set of permissions (``caseworker``, ``auditor`` ...)."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class RolePermission(Base):
    """One permission code a role grants."""

    __tablename__ = "role_permission"
    __table_args__ = (UniqueConstraint("role_id", "permission"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    permission: Mapped[str] = mapped_column(String(200))


class UserRole(Base):
    """A role held by a user, council-wide (``team_id`` null) or within one team.

    A team-scoped grant passes the declarative field check; services then restrict
    the rows to that team's (row-level rules).
    """

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role_id", "team_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)


class StaffSession(Base):
    """A signed-in session. Only a SHA-256 hash of the token is stored."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Absolute expiry: the session ends then however active it is.
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    persistent: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class PasswordResetToken(Base):
    """A single-use password reset (or invitation) token, stored hashed."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiKey(Base):
    """A partner agency's API key. The secret is shown once; only its hash is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: Visible part of the key, so admins can tell keys apart in lists and logs.
    prefix: Mapped[str] = mapped_column(String(20), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: Space-separated permission codes the key may use (its data-sharing scope).
    permissions: Mapped[str] = mapped_column(Text)
    read_only: Mapped[bool] = mapped_column(Boolean, default=True)
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiKeyTeam(Base):
    """A team one of a key's permissions is limited to; a code without rows here is
    council-wide.

    A key made by an officer whose permission is granted only within teams keeps those
    teams, so the key's actor answers ``teams_for`` as the officer's does and every row
    rule for team-scoped users applies to the key too. Deleting a team that still
    limits a key is refused (no cascade): losing the rows would widen the key.
    """

    __tablename__ = "api_key_team"

    api_key_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(200), primary_key=True)
    team_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("team.id"), primary_key=True, index=True
    )


class StaffIdentity(Base):
    """A staff user's account at an OpenID Connect provider (issuer and subject), linked
    on their first single sign-on by verified email and trusted by subject afterwards."""

    __tablename__ = "staff_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("issuer", "user_id"))

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OidcPending(Base):
    """A single sign-on begun and not yet finished: what the callback must check.

    Found by the hash of its ``state``, removed by the callback that uses it (so a
    state works once), and bound to the browser that began it by a cookie whose hash
    is kept here."""

    __tablename__ = "oidc_pending"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    keep_signed_in: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
