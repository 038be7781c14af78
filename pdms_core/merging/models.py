"""The merge tables: who was merged into whom, and every reference the merge moved.

A merge is its own small aggregate (its own version), so two reviewers un-merging
the same merge at once conflict. Its rows are never deleted: an un-merged merge is
kept, with when and by whom it was undone, as the record of what happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType, Versioned
from pdms_core.db.datetimes import UtcDateTime

MOVED = "moved"
DROPPED = "dropped"


class PersonMerge(Versioned, Base):
    """People merged into one survivor by a reviewer; undone when ``undone_at`` is set."""

    __tablename__ = "person_merge"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    merged_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    #: ``user:12`` ... as in the audit trail.
    merged_by: Mapped[str | None] = mapped_column(String(100))
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    undone_by: Mapped[str | None] = mapped_column(String(100))


class PersonMergeMember(Base):
    """One person merged away, with their person row as it was before the merge."""

    __tablename__ = "person_merge_member"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("person_merge.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    person_row: Mapped[dict[str, Any]] = mapped_column(JSON)


class PersonMergeChange(Base):
    """One reference the merge changed: a column moved to the survivor, or a row dropped.

    ``moved``: ``column_name`` of row ``row_id`` in ``table_name`` went from
    ``old_value`` (a merged person) to ``new_value`` (the survivor). ``dropped``: the
    row would have named the survivor twice or broken a unique constraint, so it was
    deleted; ``row_data`` holds it whole.
    """

    __tablename__ = "person_merge_change"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("person_merge.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(100))
    row_id: Mapped[int] = mapped_column(BigInteger)
    column_name: Mapped[str | None] = mapped_column(String(100))
    old_value: Mapped[int | None] = mapped_column(BigInteger)
    new_value: Mapped[int | None] = mapped_column(BigInteger)
    #: SQL NULL, not JSON null, for moved references (none_as_null).
    row_data: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
