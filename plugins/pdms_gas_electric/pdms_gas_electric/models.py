"""The module's tables: every name starts with the plugin's name.

A home (``gas_electric_home``) is the module's view of one core place: its gas supply,
its appliances and alarms, its electrical installation, and the due dates the checks
recorded against it give. The due dates are kept on the home (recomputed whenever a
check is recorded) so the overdue and due-soon lists and BS01 are single indexed queries.
"""

from __future__ import annotations

from datetime import date, datetime

from pdms_core.plugin import Base, IdType, UtcDateTime, Versioned
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

#: Gas supply states (code-defined: the BS01 rule depends on them).
GAS_SUPPLIES = ("live", "capped", "none")
#: Appliance results on a gas safety record (code-defined: breach rules depend on them).
OUTCOMES = ("pass", "at_risk", "immediately_dangerous", "not_to_current_standards")
UNSAFE_OUTCOMES = ("at_risk", "immediately_dangerous")
ALARM_KINDS = ("smoke", "carbon_monoxide", "heat")


class Home(Versioned, Base):
    """The servicing view of one core place."""

    __tablename__ = "gas_electric_home"
    __table_args__ = (
        CheckConstraint("gas_supply IN ('live', 'capped', 'none')", name="gas_supply_known"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id"), unique=True)
    #: The council's own property reference (contractor returns may quote it).
    property_reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    gas_supply: Mapped[str] = mapped_column(String(10), default="none", index=True)
    #: Electrical installation: where the consumer unit is, and what it is.
    consumer_unit_location: Mapped[str] = mapped_column(String(100), default="")
    installation_notes: Mapped[str] = mapped_column(Text, default="")
    #: Date of the latest gas safety check, and the deadline the rule gives from it.
    last_gas_check_on: Mapped[date | None] = mapped_column(Date)
    gas_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: Date of the latest electrical inspection, and when the next is due.
    last_eicr_on: Mapped[date | None] = mapped_column(Date)
    eicr_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: True while the gas supply is live and a landlord appliance is in use (BS01's base).
    needs_gas_check: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    @property
    def summary(self) -> str:
        if self.gas_due_on is None:
            return f"Gas supply {self.gas_supply}; no gas check recorded"
        return f"Gas supply {self.gas_supply}; gas check due {self.gas_due_on.isoformat()}"


class Appliance(Versioned, Base):
    """A gas appliance or flue in a home."""

    __tablename__ = "gas_electric_appliance"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_home.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    make: Mapped[str] = mapped_column(String(100), default="")
    model_name: Mapped[str] = mapped_column("model", String(100), default="")
    landlord_owned: Mapped[bool] = mapped_column(Boolean, default=True)
    removed_on: Mapped[date | None] = mapped_column(Date)


class Alarm(Versioned, Base):
    """A smoke, heat or carbon monoxide alarm in a home."""

    __tablename__ = "gas_electric_alarm"
    __table_args__ = (
        CheckConstraint("kind IN ('smoke', 'carbon_monoxide', 'heat')", name="alarm_kind_known"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_home.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    installed_on: Mapped[date | None] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)


class GasCheck(Base):
    """A landlord gas safety record (LGSR, "CP12") for one visit."""

    __tablename__ = "gas_electric_gas_check"
    __table_args__ = (UniqueConstraint("home_id", "certificate_number", name="certificate_once"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_home.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date, index=True)
    #: The certificate's own number: a re-imported return is recognised by it.
    certificate_number: Mapped[str] = mapped_column(String(40))
    engineer_name: Mapped[str] = mapped_column(String(100))
    gas_safe_number: Mapped[str] = mapped_column(String(20))
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    co_alarm_tested: Mapped[bool] = mapped_column(Boolean, default=False)
    copy_given_on: Mapped[date | None] = mapped_column(Date)
    #: The deadline this check answered, and the one it set (the regulation's rule).
    deadline_before: Mapped[date | None] = mapped_column(Date)
    next_due_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    @property
    def summary(self) -> str:
        return f"Gas safety record {self.certificate_number} of {self.checked_on.isoformat()}"


class GasCheckResult(Base):
    """One appliance's result on a gas safety record, with any defect and remedy."""

    __tablename__ = "gas_electric_gas_check_result"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('pass', 'at_risk', 'immediately_dangerous', 'not_to_current_standards')",
            name="outcome_known",
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_gas_check.id"), index=True)
    appliance_id: Mapped[int | None] = mapped_column(
        ForeignKey("gas_electric_appliance.id"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(30))
    defect_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    defect_notes: Mapped[str] = mapped_column(Text, default="")
    remedial_action: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


JOB_KINDS = ("gas", "electrical")


class Job(Versioned, Base):
    """A servicing job: one home's way through the access process to a check."""

    __tablename__ = "gas_electric_job"
    __table_args__ = (CheckConstraint("kind IN ('gas', 'electrical')", name="job_kind_known"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_home.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: "<home id>:<kind>" while open, null once closed: at most one open job per home
    #: and kind, enforced by the database (so generating twice makes nothing new).
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    stage_since: Mapped[date] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    no_access_count: Mapped[int] = mapped_column(Integer, default=0)
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    @property
    def summary(self) -> str:
        state = f"closed {self.closed_on.isoformat()}" if self.closed_on else "open"
        return f"{self.kind.capitalize()} servicing job, {state}"


class JobMove(Base):
    """One audited stage change: who, when, why, and any visit, letter or override."""

    __tablename__ = "gas_electric_job_move"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_job.id"), index=True)
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    moved_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    moved_by: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    visit_on: Mapped[date | None] = mapped_column(Date)
    visit_outcome_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: The required stages this move skipped, by code, when an override allowed it.
    skipped: Mapped[str] = mapped_column(String(400), default="")
    letter_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    condition_id: Mapped[int | None] = mapped_column(ForeignKey("system_condition.id"), index=True)


OBSERVATION_CODES = ("C1", "C2", "C3", "FI")
#: Codes that make a report unsatisfactory whatever its summary says (C3 alone does not).
UNSATISFACTORY_CODES = ("C1", "C2", "FI")


class Eicr(Base):
    """An electrical installation condition report for one inspection."""

    __tablename__ = "gas_electric_eicr"
    __table_args__ = (UniqueConstraint("home_id", "report_number", name="report_once"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_home.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    report_number: Mapped[str] = mapped_column(String(40))
    inspector_name: Mapped[str] = mapped_column(String(100))
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    #: What the report's summary box says; the overall result is computed from the codes.
    stated_satisfactory: Mapped[bool] = mapped_column(Boolean)
    satisfactory: Mapped[bool] = mapped_column(Boolean, index=True)
    #: The report's own next-inspection date and remedial period, when shorter.
    recommended_next_on: Mapped[date | None] = mapped_column(Date)
    remedial_days: Mapped[int | None] = mapped_column(Integer)
    next_due_on: Mapped[date] = mapped_column(Date)
    remedial_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    remedials_completed_on: Mapped[date | None] = mapped_column(Date)
    copy_given_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    @property
    def summary(self) -> str:
        result = "satisfactory" if self.satisfactory else "unsatisfactory"
        return f"EICR {self.report_number} of {self.inspected_on.isoformat()}, {result}"


class EicrObservation(Base):
    """One coded observation on an EICR."""

    __tablename__ = "gas_electric_eicr_observation"
    __table_args__ = (
        CheckConstraint("code IN ('C1', 'C2', 'C3', 'FI')", name="observation_code_known"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    eicr_id: Mapped[int] = mapped_column(ForeignKey("gas_electric_eicr.id"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
