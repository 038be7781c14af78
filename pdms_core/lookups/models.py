"""Tables for lookup lists and their values."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned

SEED = "seed"
ADMIN = "admin"


class LookupSet(Base):
    """A configurable list declared by a module, e.g. ``rent_arrears.patch``."""

    __tablename__ = "lookup_set"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    module: Mapped[str] = mapped_column(String(60), index=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_set_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_set.id"))


class LookupValue(Versioned, Base):
    """One value of a list. Values are deactivated, never deleted, once in use."""

    __tablename__ = "lookup_value"
    __table_args__ = (UniqueConstraint("set_id", "code"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("lookup_set.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: ``seed`` values come from a module's declaration and are kept in step by
    #: ``pdms lookups sync``; ``admin`` values were added by the council and are theirs.
    origin: Mapped[str] = mapped_column(String(10), default=ADMIN)
    #: Set when an admin renames a seeded value, so sync keeps the council's label.
    label_customised: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Attributes declared by the module with the seed (see ``LookupSeed.data``), or
    #: set by an admin where the list declares them (``LookupSetSpec.attributes``).
    data: Mapped[dict | None] = mapped_column(JSON)
    #: Set when an admin sets attributes, so sync keeps the council's values.
    data_customised: Mapped[bool] = mapped_column(Boolean, default=False)
