"""Tables for activities, the people involved and their tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime


class Activity(Base):
    """Work on a case at a time, by an officer, with some people; part of the case aggregate."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class ActivityPerson(Base):
    """A person the activity was with or about."""

    __tablename__ = "activity_person"
    __table_args__ = (UniqueConstraint("activity_id", "person_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)


class Task(Base):
    """One configurable task within an activity and the minutes it took."""

    __tablename__ = "task"
    __table_args__ = (CheckConstraint("minutes >= 0", name="minutes_not_negative"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    task_type_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
