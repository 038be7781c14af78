"""The Place table: a BS 7666 property record keyed by UPRN, or a location without one."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Float, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned

#: Gazetteer LOGICAL_STATUS codes.
APPROVED, ALTERNATIVE, CANDIDATE, PROVISIONAL, HISTORICAL, REJECTED = 1, 3, 5, 6, 8, 9


class Place(Versioned, Base):
    """A property (with a UPRN) or a location without one, such as a street corner.

    The address parts follow BS 7666: a secondary addressable object (SAO, e.g. "Flat 2")
    inside a primary one (PAO, e.g. "14" or "Rose Cottage"), each as start number and
    suffix, end number and suffix, and text. ``single_line_address`` is derived from the
    parts when they are written, and indexed for search.
    """

    __tablename__ = "place"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: Unique Property Reference Number: up to 12 digits, so it needs 64 bits.
    uprn: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    parent_uprn: Mapped[int | None] = mapped_column(BigInteger, index=True)
    usrn: Mapped[int | None] = mapped_column(Integer, index=True)
    street: Mapped[str | None] = mapped_column(String(100))
    sao_start_number: Mapped[int | None] = mapped_column(Integer)
    sao_start_suffix: Mapped[str | None] = mapped_column(String(2))
    sao_end_number: Mapped[int | None] = mapped_column(Integer)
    sao_end_suffix: Mapped[str | None] = mapped_column(String(2))
    sao_text: Mapped[str | None] = mapped_column(String(90))
    pao_start_number: Mapped[int | None] = mapped_column(Integer)
    pao_start_suffix: Mapped[str | None] = mapped_column(String(2))
    pao_end_number: Mapped[int | None] = mapped_column(Integer)
    pao_end_suffix: Mapped[str | None] = mapped_column(String(2))
    pao_text: Mapped[str | None] = mapped_column(String(90))
    organisation: Mapped[str | None] = mapped_column(String(100))
    locality: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str | None] = mapped_column(String(100))
    administrative_area: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    #: ONS code of the electoral ward (E05...), when the gazetteer gives it.
    ward_code: Mapped[str | None] = mapped_column(String(9), index=True)
    easting: Mapped[float | None] = mapped_column(Float)
    northing: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    classification_code: Mapped[str | None] = mapped_column(String(6))
    logical_status: Mapped[int | None] = mapped_column(SmallInteger)
    blpu_state: Mapped[int | None] = mapped_column(SmallInteger)
    last_update_date: Mapped[date | None] = mapped_column(Date)
    single_line_address: Mapped[str] = mapped_column(String(500))
