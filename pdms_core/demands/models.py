"""Tables for demands and the presenting → underlying (root cause) links."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime

VALUE = "value"
FAILURE = "failure"


class Demand(Base):
    """One demand within a case; part of the case aggregate (edits claim its version)."""

    __tablename__ = "demand"
    __table_args__ = (CheckConstraint("nature IN ('value', 'failure')", name="nature"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    #: Copied from the case so measures filter without a join.
    module: Mapped[str] = mapped_column(String(60), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    nature: Mapped[str] = mapped_column(String(10))
    #: What the person first asked for (true) or a root cause found behind it (false).
    is_presenting: Mapped[bool] = mapped_column(Boolean, default=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    strategic_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("lookup_value.id"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    what_matters: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date, index=True)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    warn_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class DemandCause(Base):
    """A presenting demand's underlying demand: one root cause behind it."""

    __tablename__ = "demand_cause"
    __table_args__ = (
        UniqueConstraint("presenting_id", "underlying_id"),
        CheckConstraint("presenting_id <> underlying_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    presenting_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    underlying_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
