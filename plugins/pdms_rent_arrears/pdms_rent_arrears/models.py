"""Rent accounts, their weekly report rows, imports and the module's settings tables.

An account is the tenancy's rent account as the housing system names it; each weekly
report adds one ``AccountWeek`` per account with the balance as reported and the
figures derived from the weeks before (segment, weeks in arrears, runs).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.plugin import Base, IdType, UtcDateTime, Versioned

# Segments (DOMAIN.md §4); ``None`` on a week row means "not in arrears, nor just cleared".
NEW = "new"
INCREASING = "increasing"
DECREASING = "decreasing"
STATIC = "static"
CLEARED = "cleared"
RETURNED = "returned"
SEGMENTS = (NEW, INCREASING, DECREASING, STATIC, CLEARED, RETURNED)
TRENDS = (INCREASING, DECREASING, STATIC)


class Account(Versioned, Base):
    """A tenancy's rent account, created by the first report that lists it."""

    __tablename__ = "rent_arrears_account"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    tenant_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    uprn: Mapped[int | None] = mapped_column(BigInteger, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    patch_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # The last recovery action taken (a rent_arrears.next_action value) and when.
    last_action_id: Mapped[int | None] = mapped_column(ForeignKey("lookup_value.id"), index=True)
    last_action_on: Mapped[date | None] = mapped_column(Date)
    agreement_until: Mapped[date | None] = mapped_column(Date)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)

    @property
    def summary(self) -> str:
        """Read by the ModuleRecord interface's ``summary`` field."""
        return f"Rent account {self.reference}"


class ReportImport(Base):
    """One imported weekly report; its week rows go with it when it is replaced."""

    __tablename__ = "rent_arrears_import"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    report_date: Mapped[date] = mapped_column(Date, unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    row_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    imported_by: Mapped[str] = mapped_column(String(200), default="")


class AccountWeek(Base):
    """One account's line in one weekly report, with the figures derived from history."""

    __tablename__ = "rent_arrears_account_week"
    __table_args__ = (UniqueConstraint("account_id", "report_date"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    # Few indexes on purpose: every import writes tens of thousands of rows. Queries
    # go by report date (or account and date); replacing a week deletes by report date.
    import_id: Mapped[int] = mapped_column(ForeignKey("rent_arrears_import.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("rent_arrears_account.id"))
    report_date: Mapped[date] = mapped_column(Date, index=True)
    balance_pence: Mapped[int] = mapped_column(BigInteger)
    weekly_rent_pence: Mapped[int] = mapped_column(Integer)
    last_payment_on: Mapped[date | None] = mapped_column(Date)
    last_payment_pence: Mapped[int | None] = mapped_column(Integer)
    universal_credit: Mapped[bool] = mapped_column(Boolean, default=False)
    segment: Mapped[str | None] = mapped_column(String(12))
    weeks_in_arrears: Mapped[float] = mapped_column(Float, default=0.0)
    band: Mapped[str | None] = mapped_column(String(12))
    weeks_in_arrears_run: Mapped[int] = mapped_column(Integer, default=0)
    trend_weeks: Mapped[int] = mapped_column(Integer, default=0)
    ever_in_arrears: Mapped[bool] = mapped_column(Boolean, default=False)
    rent_free: Mapped[bool] = mapped_column(Boolean, default=False)


class ColumnMapping(Versioned, Base):
    """The saved mapping of report columns: ``{field: header}``; one row per council."""

    __tablename__ = "rent_arrears_column_mapping"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    columns: Mapped[dict] = mapped_column(JSON)
    # The spreadsheet row holding the headers (1 = first); null: found automatically.
    header_row: Mapped[int | None] = mapped_column(Integer)


class RentFreeWeek(Base):
    """A report date whose week charges no rent: balance changes then are not trends."""

    __tablename__ = "rent_arrears_rent_free_week"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    week_date: Mapped[date] = mapped_column(Date, unique=True)


class PatchOfficer(Base):
    """Patch rule: accounts in this patch go to this officer (on assignment and import)."""

    __tablename__ = "rent_arrears_patch_officer"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    patch_id: Mapped[int] = mapped_column(ForeignKey("lookup_value.id"), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
