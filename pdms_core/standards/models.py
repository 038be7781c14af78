"""The service-standard table: a target per demand type or intention type."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
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
