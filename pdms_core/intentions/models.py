"""The intention table.

An intention is its own small aggregate (its own version): completing a follow-up
should not conflict with someone else adding a demand to the same case.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"


class Intention(Versioned, Base):
    """Something that needs doing by a date, by an officer or a team: on a case, or on a
    person or a place when no case is called for (ring a resident back in a fortnight,
    look at a void property next month)."""

    __tablename__ = "intention"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        CheckConstraint(
            "(case_id IS NOT NULL AND person_id IS NULL AND place_id IS NULL) OR "
            "(case_id IS NULL AND person_id IS NOT NULL AND place_id IS NULL) OR "
            "(case_id IS NULL AND person_id IS NULL AND place_id IS NOT NULL)",
            name="one_holder",
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date] = mapped_column(Date, index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OPEN, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
