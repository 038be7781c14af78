"""gas_electric servicing jobs and their moves

Revision ID: 00ed6a99a53a
Revises: 5f26e84570bc
Create Date: 2026-12-07 19:28:59.986189
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "00ed6a99a53a"
down_revision: str | Sequence[str] | None = "5f26e84570bc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gas_electric_job",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("stage_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stage_since", sa.Date(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("no_access_count", sa.Integer(), nullable=False),
        sa.Column(
            "contractor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('gas', 'electrical')", name=op.f("ck_gas_electric_job_job_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_job_contractor_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["home_id"],
            ["gas_electric_home.id"],
            name=op.f("fk_gas_electric_job_home_id_gas_electric_home"),
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_job_stage_id_lookup_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_job")),
        sa.UniqueConstraint("open_key", name=op.f("uq_gas_electric_job_open_key")),
    )
    with op.batch_alter_table("gas_electric_job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gas_electric_job_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_gas_electric_job_home_id"), ["home_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_stage_id"), ["stage_id"], unique=False
        )

    op.create_table(
        "gas_electric_job_move",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "from_stage_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "to_stage_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "moved_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("moved_by", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=True),
        sa.Column(
            "visit_outcome_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("skipped", sa.String(length=400), nullable=False),
        sa.Column(
            "letter_document_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "condition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["system_condition.id"],
            name=op.f("fk_gas_electric_job_move_condition_id_system_condition"),
        ),
        sa.ForeignKeyConstraint(
            ["from_stage_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_job_move_from_stage_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["gas_electric_job.id"],
            name=op.f("fk_gas_electric_job_move_job_id_gas_electric_job"),
        ),
        sa.ForeignKeyConstraint(
            ["letter_document_id"],
            ["document.id"],
            name=op.f("fk_gas_electric_job_move_letter_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_job_move_to_stage_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_outcome_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_job_move_visit_outcome_id_lookup_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_job_move")),
    )
    with op.batch_alter_table("gas_electric_job_move", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_move_condition_id"), ["condition_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_move_from_stage_id"), ["from_stage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_move_job_id"), ["job_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_move_letter_document_id"),
            ["letter_document_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_move_to_stage_id"), ["to_stage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_job_move_visit_outcome_id"),
            ["visit_outcome_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("gas_electric_job_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_move_visit_outcome_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_move_to_stage_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_move_letter_document_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_move_job_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_move_from_stage_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_move_condition_id"))

    op.drop_table("gas_electric_job_move")
    with op.batch_alter_table("gas_electric_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_stage_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_home_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_due_on"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_job_contractor_id"))

    op.drop_table("gas_electric_job")
