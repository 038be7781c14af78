"""The registered (trusted) GraphQL documents, by their SHA-256 hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime


class TrustedDocument(Base):
    """A GraphQL document a front end registered at build time (``pdms trusted-documents
    register``): clients may send its hash instead of its text, and a setting can
    refuse any other document (docs/trusted_documents.md)."""

    __tablename__ = "trusted_document"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: Lower-case hex SHA-256 of the document's UTF-8 text, exactly as registered.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[str] = mapped_column(Text)
    #: The client or app that registered it (``--client``), for the listing.
    client_name: Mapped[str | None] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
