"""duplicate people review

Revision ID: 6f4a8d2c1e95
Revises: 3e8b6c1d9f52
Create Date: 2026-12-07 22:05:00.000000

The trained linkage model (Splink's settings and parameters, newest used) and the
pairs of people it proposes as one person, with their review state and explanation.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6f4a8d2c1e95"
down_revision: str | Sequence[str] | None = "3e8b6c1d9f52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NOW = sa.text("(CURRENT_TIMESTAMP)")


def upgrade() -> None:
    op.create_table(
        "duplicate_model",
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_model")),
    )
    op.create_table(
        "duplicate_review",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("other_person_id", ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("model_id", ID, nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "person_id < other_person_id", name=op.f("ck_duplicate_review_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["duplicate_model.id"],
            name=op.f("fk_duplicate_review_model_id_duplicate_model"),
        ),
        sa.ForeignKeyConstraint(
            ["other_person_id"],
            ["person.id"],
            name=op.f("fk_duplicate_review_other_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_duplicate_review_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_review")),
        sa.UniqueConstraint(
            "person_id",
            "other_person_id",
            name=op.f("uq_duplicate_review_person_id_other_person_id"),
        ),
    )
    with op.batch_alter_table("duplicate_review", schema=None) as batch_op:
        for column in ("person_id", "other_person_id", "status", "model_id"):
            batch_op.create_index(batch_op.f(f"ix_duplicate_review_{column}"), [column])


def downgrade() -> None:
    with op.batch_alter_table("duplicate_review", schema=None) as batch_op:
        for column in ("person_id", "other_person_id", "status", "model_id"):
            batch_op.drop_index(batch_op.f(f"ix_duplicate_review_{column}"))
    op.drop_table("duplicate_review")
    op.drop_table("duplicate_model")
