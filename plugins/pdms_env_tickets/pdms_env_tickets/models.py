"""The module's tables: every name starts with the plugin's name.

A ticket is one street report. Its location is a core place (by UPRN), a point
(latitude/longitude with a description such as "lay-by north of the bridge"), or both.
The fly-tipping and abandoned-vehicle details are plain columns rather than a JSON bag,
so the national fly-tipping return and the notice clocks are grouped and filtered in SQL.
"""

from __future__ import annotations

from datetime import date, datetime

from pdms_core.plugin import Base, IdType, UtcDateTime, Versioned
from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

REFERENCE_LENGTH = 20
TEXT_LENGTH = 4000
NAME_LENGTH = 200


class Ticket(Versioned, Base):
    """One street report: a type, a place or point, a reporter, a status and a team."""

    __tablename__ = "env_tickets_ticket"
    __table_args__ = (
        # The duplicate check: open tickets of one type inside a latitude band.
        Index("ix_env_tickets_ticket_nearby", "type_id", "is_open", "latitude", "longitude"),
        # The team work queue, by deadline.
        Index("ix_env_tickets_ticket_queue", "team_id", "is_open", "due_on"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"))
    status_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: Copied from the status's ``closed`` attribute when the status is set.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_description: Mapped[str] = mapped_column(String(500), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: Contact details of an anonymous reporter, for updates; never shown over Open311.
    reporter_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    reporter_email: Mapped[str] = mapped_column(String(320), default="")
    reporter_phone: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("env_tickets_ticket.id"), index=True
    )
    # Fly-tipping, as the national return counts it.
    size_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    land_type_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    waste_type_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    # Abandoned vehicles.
    registration: Mapped[str] = mapped_column(String(10), default="")
    vehicle_make: Mapped[str] = mapped_column(String(60), default="")
    vehicle_colour: Mapped[str] = mapped_column(String(40), default="")
    tax_status: Mapped[str] = mapped_column(String(20), default="")
    dangerous: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_served_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    notice_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Open311: the answer to a token poll, and the reporting site's own id (a site
    # resends the same form after a timeout; the same id gets the same ticket).
    open311_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: Attribute answers a definition did not declare (report_url, title ...), as sent.
    extra: Mapped[dict | None] = mapped_column(JSON)

    @property
    def summary(self) -> str:
        return f"Ticket {self.reference}: {self.description[:80]}".rstrip(": ")


class TicketEvent(Base):
    """One line of a ticket's history: a change (field, from, to) or a note."""

    __tablename__ = "env_tickets_event"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("env_tickets_ticket.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    #: created, status, assigned, note, interested_party, notice, duplicate
    kind: Mapped[str] = mapped_column(String(30))
    actor_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    old_value: Mapped[str] = mapped_column(String(200), default="")
    new_value: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: Shown to the public (Open311 status notes and servicerequestupdates).
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The ticket's status after the event, for servicerequestupdates.
    status_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)


class InterestedParty(Base):
    """Someone who reported a ticket's problem again: their chaser is failure demand."""

    __tablename__ = "env_tickets_interested_party"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("env_tickets_ticket.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
