"""Saved measure snapshots: a report frozen as it was on a date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime


class MeasureSnapshot(Base):
    """A measure's result saved with the filters it was computed for."""

    __tablename__ = "measure_snapshot"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)
    filters: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    note: Mapped[str] = mapped_column(Text, default="")


class MeasureSnapshotTeam(Base):
    """The teams a snapshot was limited to, one row each (none: council-wide).

    A reader whose measures permission is granted within teams sees a snapshot only
    when it was limited to teams they all hold (a row rule, ``measures/visibility.py``);
    kept as rows, not only inside ``filters``, so the rule is one indexed SQL condition
    on both backends.
    """

    __tablename__ = "measure_snapshot_team"

    snapshot_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("measure_snapshot.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, index=True
    )
