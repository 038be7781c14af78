"""The document table: one row per file held against a record.

A document belongs to a *holder*: any record type that core or a module declares
through ``pdms_document_holders`` (Person, Place, Case, Demand, Activity, a module's
RentArrearsAccount ...). The holder is named by its GraphQL type name and id rather
than by a foreign key, because a module's types are not known to core's schema; the
pair is indexed together (with ``id``, so a holder's newest documents come from the
index).

The bytes live in the document store (``documents/storage``) under ``store_key``; the
row says what they are. Deleting is soft (``deleted_at``); ``pdms documents purge``
removes rows and objects for good (see ``docs/documents.md``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime


class Document(Versioned, Base):
    """A file held against a record, with what it is and who put it there."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_holder", "holder_type", "holder_id", "id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: The holder's GraphQL type name (``Person``, ``RentArrearsAccount`` ...).
    holder_type: Mapped[str] = mapped_column(String(60))
    holder_id: Mapped[int] = mapped_column(BigInteger)
    #: A value of the council-editable list ``document_category``.
    category_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The uploaded file's name, sanitised (no path, no control characters).
    file_name: Mapped[str] = mapped_column(String(255))
    #: Detected from the bytes, never taken from the client.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: Where the bytes are in the document store.
    store_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: A value of the council-editable list ``document_retention``.
    retention_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: The staff user who uploaded it (null for an API key or the system) ...
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    #: ... and the actor id in every case (``user:12``, ``apikey:3``, ``system``).
    uploaded_by_actor: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    deleted_by_actor: Mapped[str | None] = mapped_column(String(100))
