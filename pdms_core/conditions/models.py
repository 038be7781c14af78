"""Tables for system conditions and the cases, demands and activities they affected."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime


class SystemCondition(Versioned, Base):
    """One occurrence of a condition (e.g. "awaiting housing benefit decision")."""

    __tablename__ = "system_condition"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    module: Mapped[str] = mapped_column(String(60), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class SystemConditionEffect(Base):
    """A case (and optionally one of its demands or activities) the condition held up."""

    __tablename__ = "system_condition_effect"
    __table_args__ = (CheckConstraint("minutes_lost >= 0", name="minutes_not_negative"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    condition_id: Mapped[int] = mapped_column(ForeignKey("system_condition.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)
    #: Officer time lost to the condition on this case.
    minutes_lost: Mapped[int] = mapped_column(Integer, default=0)
