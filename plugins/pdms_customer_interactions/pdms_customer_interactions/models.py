"""The module's tables: every name starts with the plugin's name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pdms_core.plugin import Base, IdType, UtcDateTime, Versioned
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

INBOUND = "inbound"
OUTBOUND = "outbound"
VALUE = "value"
FAILURE = "failure"
MAX_WORDS = 2000


class Interaction(Versioned, Base):
    """One contact with the council: who, where, how, what was asked and what came of it.

    It stands alone (answered at first point of contact, signposted) or links to the
    case and demand it opened or joined.
    """

    __tablename__ = "customer_interactions_interaction"
    __table_args__ = (
        CheckConstraint("direction IN ('inbound', 'outbound')", name="direction"),
        CheckConstraint("nature IN ('value', 'failure')", name="nature"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    direction: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Null for an anonymous contact.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    #: What was asked, in the caller's words.
    caller_words: Mapped[str] = mapped_column(Text, default="")
    #: Module whose demand-type list the type comes from (``core`` for core's).
    demand_module: Mapped[str] = mapped_column(String(60))
    demand_type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    demand_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("lookup_value.id"), index=True
    )
    nature: Mapped[str] = mapped_column(String(10))
    failure_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"), index=True)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    @property
    def summary(self) -> str:
        """Read by the ModuleRecord interface's ``summary`` field."""
        words = " ".join(self.caller_words.split())
        short = words if len(words) <= 80 else words[:79] + "…"
        when = self.started_at.strftime("%d/%m/%Y %H:%M")
        return f"Contact {when}: {short}" if short else f"Contact {when}"


class RuleBook(Base):
    """One version of the council's assignment rules; every save adds a row.

    ``number`` is unique, so two saves based on the same version cannot both land:
    the second gets CONFLICT instead of silently replacing the first.
    """

    __tablename__ = "customer_interactions_rule_book"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: SHA-256 of the rules as saved: decisions reuse parsed rules by it, not by number
    #: (a number names different rules in two databases).
    digest: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    saved_by: Mapped[str] = mapped_column(String(200), default="")
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class Decision(Base):
    """How the engine routed one interaction (and its case): facts, choice and reasons."""

    __tablename__ = "customer_interactions_decision"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_interactions_interaction.id"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    rule_book_number: Mapped[int | None] = mapped_column(Integer)
    rule_code: Mapped[str | None] = mapped_column(String(60))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    #: The facts the rules were tested against, so a dry run can replay them.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: One entry per rule considered: {rule, outcome, reason}.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class RoundRobin(Base):
    """The officer a team's round robin gave work to last."""

    __tablename__ = "customer_interactions_round_robin"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)
    last_officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
