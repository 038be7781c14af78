"""Staff users and teams: who owns cases, does the work and gets reminders.

Teams belong to a module (``None`` for council-wide teams) and have a configurable
team type. Sign-in, roles and API keys build on these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned


class StaffUser(Versioned, Base):
    """A council officer or administrator."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    #: Lower-cased email: unique, so two accounts never differ only by case.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


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
