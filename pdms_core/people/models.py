"""Tables for people and the records that hang off a person.

A Person is the aggregate: every change to its contact details, references, addresses
or relationships bumps the person's version, so two officers editing the same person
at once get a CONFLICT instead of silently overwriting each other.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime


class Person(Versioned, Base):
    """A resident or anyone else the council deals with."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str | None] = mapped_column(String(20))
    forenames: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100), index=True)
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    date_of_death: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    #: Set when a reviewer merged this person into another (see pdms_core/merging):
    #: the row is kept for the un-merge, hidden from searches.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)


class ContactDetail(Base):
    """A phone number, email address ... of a configurable contact-detail type."""

    __tablename__ = "contact_detail"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    value: Mapped[str] = mapped_column(String(320))
    #: Digits only for phones, lower case for email: what search matches on.
    search_value: Mapped[str] = mapped_column(String(320), index=True)
    is_preferred: Mapped[bool] = mapped_column(Boolean, default=False)


class ExternalReference(Base):
    """A reference from another system (NI number, tenancy reference ...); unique per type."""

    __tablename__ = "external_reference"
    __table_args__ = (UniqueConstraint("type_id", "value"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    value: Mapped[str] = mapped_column(String(100), index=True)


class PersonAddress(Base):
    """A period when a person had a role (home, correspondence ...) at a place."""

    __tablename__ = "person_address"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Relationship(Base):
    """One person's relationship to another, read from ``person`` towards ``related``."""

    __tablename__ = "relationship"
    __table_args__ = (UniqueConstraint("person_id", "related_person_id", "type_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    related_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
