"""The dummy plugin's table: widgets that may sit at a place."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.plugin import Base, IdType, Versioned


class Widget(Versioned, Base):
    __tablename__ = "dummy_widget"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    colour_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)

    @property
    def summary(self) -> str:
        return f"Widget {self.name}"
