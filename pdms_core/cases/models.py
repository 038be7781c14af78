"""Tables for cases and what hangs off a case (parties, places, links, pauses).

A case is the aggregate of the problem graph: editing its parties, places, demands,
activities or pauses claims the case's version, so two officers working the same
case at once get a CONFLICT instead of overwriting each other.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime


class CaseRecord(Versioned, Base):
    """A problem someone brought to the council, worked through demands and activities."""

    __tablename__ = "case_record"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: Human-friendly and unique, e.g. ``RA-000123``.
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    #: The owning module's name; ``core`` for generic cases.
    module: Mapped[str] = mapped_column(String(60), index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: Due by the service standard of its demands; moves on while the case is paused.
    due_on: Mapped[date | None] = mapped_column(Date)
    #: Set while the case waits on the customer (the service-standard clock stops).
    paused_since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class CaseSequence(Base):
    """A module's case-reference prefix and the last number issued (one row per module)."""

    __tablename__ = "case_sequence"

    module: Mapped[str] = mapped_column(String(60), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10))
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class CaseParty(Base):
    """A person's part in a case: subject, reporter, household member ..."""

    __tablename__ = "case_party"
    __table_args__ = (UniqueConstraint("case_id", "person_id", "role_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)


class CasePlace(Base):
    """A place a case is about."""

    __tablename__ = "case_place"
    __table_args__ = (UniqueConstraint("case_id", "place_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id"), index=True)


class CaseLink(Base):
    """Two related cases; stored once, read from both sides."""

    __tablename__ = "case_link"
    __table_args__ = (
        UniqueConstraint("case_id", "related_case_id"),
        CheckConstraint("case_id <> related_case_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    related_case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class CasePause(Base):
    """A period when a case waited on the customer; the clock did not run."""

    __tablename__ = "case_pause"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
