"""gas_electric electrical installation condition reports

Revision ID: 214130d98a21
Revises: 00ed6a99a53a
Create Date: 2026-12-07 19:32:35.875418
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "214130d98a21"
down_revision: str | Sequence[str] | None = "00ed6a99a53a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gas_electric_eicr",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("report_number", sa.String(length=40), nullable=False),
        sa.Column("inspector_name", sa.String(length=100), nullable=False),
        sa.Column(
            "contractor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("stated_satisfactory", sa.Boolean(), nullable=False),
        sa.Column("satisfactory", sa.Boolean(), nullable=False),
        sa.Column("recommended_next_on", sa.Date(), nullable=True),
        sa.Column("remedial_days", sa.Integer(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column("remedial_due_on", sa.Date(), nullable=True),
        sa.Column("remedials_completed_on", sa.Date(), nullable=True),
        sa.Column("copy_given_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_eicr_contractor_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["home_id"],
            ["gas_electric_home.id"],
            name=op.f("fk_gas_electric_eicr_home_id_gas_electric_home"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_eicr")),
        sa.UniqueConstraint("home_id", "report_number", name="report_once"),
    )
    with op.batch_alter_table("gas_electric_eicr", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_eicr_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gas_electric_eicr_home_id"), ["home_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gas_electric_eicr_inspected_on"), ["inspected_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_eicr_remedial_due_on"), ["remedial_due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_eicr_satisfactory"), ["satisfactory"], unique=False
        )

    op.create_table(
        "gas_electric_eicr_observation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("eicr_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "code IN ('C1', 'C2', 'C3', 'FI')",
            name=op.f("ck_gas_electric_eicr_observation_observation_code_known"),
        ),
        sa.ForeignKeyConstraint(
            ["eicr_id"],
            ["gas_electric_eicr.id"],
            name=op.f("fk_gas_electric_eicr_observation_eicr_id_gas_electric_eicr"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_eicr_observation")),
    )
    with op.batch_alter_table("gas_electric_eicr_observation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_eicr_observation_eicr_id"), ["eicr_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("gas_electric_eicr_observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_eicr_observation_eicr_id"))

    op.drop_table("gas_electric_eicr_observation")
    with op.batch_alter_table("gas_electric_eicr", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_eicr_satisfactory"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_eicr_remedial_due_on"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_eicr_inspected_on"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_eicr_home_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_eicr_contractor_id"))

    op.drop_table("gas_electric_eicr")
