"""The council's letter templates: Word files kept in the document store, one row each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime


class LetterTemplate(Versioned, Base):
    """A Word template for one letter purpose.

    The file lives in the document store under ``store_key`` (it is not a document on
    any record). Replacing the file keeps the row and bumps ``version``; a deactivated
    template is kept but no longer generates letters.
    """

    __tablename__ = "letter_template"
    __table_args__ = (UniqueConstraint("purpose", "name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: ``<module>.<use>``, a purpose some module declares (its module may be disabled).
    purpose: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    store_key: Mapped[str] = mapped_column(String(500))
    #: Lower-case hex SHA-256 of the file as stored.
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    #: The merge fields the template uses, sorted, as found when it was uploaded.
    merge_fields: Mapped[list] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
