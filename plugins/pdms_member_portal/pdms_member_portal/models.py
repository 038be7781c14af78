"""The module's tables: every name starts with the plugin's name.

An enquiry is a member's request on behalf of residents. It is also a core case with a
value demand of its service area (or a demand on an existing case it was attached to),
so it counts in core's measures and timelines. Dashboard filters are plain columns:
the member's ward, the service area and its status are copied onto the enquiry, so the
co-ordinator dashboard is one indexed statement.
"""

from __future__ import annotations

from datetime import date, datetime

from pdms_core.plugin import Base, IdType, UtcDateTime, Versioned
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

STATUSES = ("new", "acknowledged", "in_progress", "responded", "closed", "reopened")
OPEN_STATUSES = ("new", "acknowledged", "in_progress", "reopened")
CONTACT_METHODS = ("email", "phone", "letter", "in_person")
TEXT_LENGTH = 8000
SUBJECT_LENGTH = 200


class Member(Versioned, Base):
    """A staff user flagged as an elected member, with their ward and contact."""

    __tablename__ = "member_portal_member"
    __table_args__ = (
        CheckConstraint(
            "contact_method IN ('email', 'phone', 'letter', 'in_person')", name="contact_method"
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), unique=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: Where the portal writes to the member (acknowledgements, responses).
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_method: Mapped[str] = mapped_column(String(20), default="email")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Enquiry(Versioned, Base):
    """One member enquiry: what, for whom, where, who answers it and by when."""

    __tablename__ = "member_portal_enquiry"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'responded', 'closed', 'reopened')",
            name="status",
        ),
        # The member dashboard: a member's enquiries, newest first.
        Index("ix_member_portal_enquiry_member", "member_user_id", "id"),
        # The co-ordinator dashboard: counts by status, overdue and due today.
        Index("ix_member_portal_enquiry_status_due", "status", "due_on"),
        # A member's counts: their enquiries (by member_portal_reach) without heap visits.
        Index("ix_member_portal_enquiry_state", "id", "status", "due_on"),
        # The same-issue flag: recent enquiries at a place, or near a point, by service area.
        Index("ix_member_portal_enquiry_area_near", "service_area_id", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    #: The enquiry's own reference: its case's, or ``<case>/<n>`` when attached to a case.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member_portal_member.id"))
    member_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    service_area_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"))
    enquiry_type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    details: Mapped[str] = mapped_column(Text, default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: The resident agreed to the council using their details for this enquiry.
    resident_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    contact_method: Mapped[str] = mapped_column(String(20), default="email")
    status: Mapped[str] = mapped_column(String(20), default="new")
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    #: True when the enquiry joined a case that existed before it.
    attached: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    acknowledge_by: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    responded_on: Mapped[date | None] = mapped_column(Date)
    #: Working days from submission to the first response.
    response_working_days: Mapped[int | None] = mapped_column(Integer)
    #: Left open for follow-ups until this day, then closed by the daily command.
    closes_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The enquiry whose responses answer this one too (set by a co-ordinator).
    linked_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("member_portal_enquiry.id"), index=True
    )
    update_requests: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def summary(self) -> str:
        """Read by the ModuleRecord interface's ``summary`` field."""
        return f"Member enquiry {self.reference}: {self.subject}"


class Officer(Base):
    """An officer working on an enquiry besides its lead (any team)."""

    __tablename__ = "member_portal_officer"
    __table_args__ = (UniqueConstraint("enquiry_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("member_portal_enquiry.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)


class Reach(Base):
    """Who reaches an enquiry besides council-wide readers: its member and its officers.

    Kept beside the enquiry so the row rule is one indexed semi-join (a member's
    dashboard reads their rows by this index, not by scanning every enquiry)."""

    __tablename__ = "member_portal_reach"
    __table_args__ = (Index("ix_member_portal_reach_user", "user_id", "enquiry_id"),)

    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("member_portal_enquiry.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)


class Entry(Base):
    """One line of an enquiry's history: a response, an internal note or a change."""

    __tablename__ = "member_portal_entry"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("member_portal_enquiry.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: submitted, acknowledged, assigned, rerouted, note, response, update_requested,
    #: linked, closed, reopened
    kind: Mapped[str] = mapped_column(String(30))
    #: Responses and the member's own actions are visible to the member; notes are not.
    member_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
