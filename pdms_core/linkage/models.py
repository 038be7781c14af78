"""The saved linkage model and the pairs of people it proposes for review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pdms_core.db.base import Base, IdType
from pdms_core.db.datetimes import UtcDateTime

#: Review states: proposed, decided "not a duplicate" (never proposed again), merged.
OPEN, NOT_DUPLICATE, MERGED = "open", "not_duplicate", "merged"
STATUSES = (OPEN, NOT_DUPLICATE, MERGED)


class DuplicateModel(Base):
    """A trained model (Splink's settings and parameters); the newest is used."""

    __tablename__ = "duplicate_model"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))
    backend: Mapped[str] = mapped_column(String(20))
    #: People the model was trained on.
    people: Mapped[int] = mapped_column(Integer)
    model: Mapped[dict] = mapped_column(JSON)


class DuplicateReview(Base):
    """A pair of people the model scored as one person, awaiting or past review.

    The pair is stored lower id first and once only, so a "not a duplicate" decision
    keeps the pair from ever being proposed again.
    """

    __tablename__ = "duplicate_review"
    __table_args__ = (
        UniqueConstraint("person_id", "other_person_id"),
        CheckConstraint("person_id < other_person_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    other_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default=OPEN)
    match_weight: Mapped[float] = mapped_column(Float)
    match_probability: Mapped[float] = mapped_column(Float)
    #: Each comparison's level and match weight (Splink's waterfall), prior first.
    explanation: Mapped[list] = mapped_column(JSON)
    model_id: Mapped[int] = mapped_column(ForeignKey("duplicate_model.id"), index=True)
    found_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
