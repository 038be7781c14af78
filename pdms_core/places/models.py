"""The Place table. The people-and-places work extends it with the full BS 7666 record."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned


class Place(Versioned, Base):
    """A property (with a UPRN) or a location without one, such as a street corner."""

    __tablename__ = "place"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: Unique Property Reference Number: up to 12 digits, so it needs 64 bits.
    uprn: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    single_line_address: Mapped[str] = mapped_column(String(500))
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
