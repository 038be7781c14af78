"""Service standards (a target per demand type or intention type) and standard task
lists (the follow-ups a kind of demand brings)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned


class ServiceStandard(Versioned, Base):
    """Work of one demand type (or intention type) is due within ``target_days`` working days."""

    __tablename__ = "service_standard"
    __table_args__ = (
        # Per module: modules sharing core's lists can still set their own targets.
        UniqueConstraint("module", "lookup_value_id"),
        CheckConstraint("target_days > 0", name="target_positive"),
        CheckConstraint("warning_days >= 0 AND warning_days <= target_days", name="warning_range"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    module: Mapped[str] = mapped_column(String(60), index=True)
    #: The demand type or intention type (a lookup value) this standard is for.
    lookup_value_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    target_days: Mapped[int] = mapped_column(Integer)
    #: Working days after which the work is "due soon" (at risk).
    warning_days: Mapped[int] = mapped_column(Integer)


class TaskList(Versioned, Base):
    """A standard task list: the follow-ups a presenting demand of one type (and, when
    given, one category) brings with it, as housing practice sets out for each case kind.
    A category's own list wins over its type's list."""

    __tablename__ = "task_list"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    module: Mapped[str] = mapped_column(String(60), index=True)
    demand_type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    demand_category_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"))


class TaskListItem(Base):
    """One follow-up of a task list, due ``offset_days`` working days after the demand
    arrived; part of its list (edited by replacing the list's items)."""

    __tablename__ = "task_list_item"
    __table_args__ = (
        CheckConstraint("offset_days >= 0 AND offset_days <= 365", name="offset_range"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    task_list_id: Mapped[int] = mapped_column(
        ForeignKey("task_list.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    intention_type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"))
    offset_days: Mapped[int] = mapped_column(Integer)
    #: Who does it; none: the case's officer, else its team.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    description: Mapped[str] = mapped_column(Text, default="")
