"""gas_electric initial: homes, appliances, alarms, gas checks

Revision ID: 5f26e84570bc
Revises:
Create Date: 2026-12-07 19:23:03.022202
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5f26e84570bc"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("gas_electric",)
depends_on: str | Sequence[str] | None = "b6d1f3e8c042"


def upgrade() -> None:
    op.create_table(
        "gas_electric_home",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("place_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("property_reference", sa.String(length=30), nullable=True),
        sa.Column("gas_supply", sa.String(length=10), nullable=False),
        sa.Column("consumer_unit_location", sa.String(length=100), nullable=False),
        sa.Column("installation_notes", sa.Text(), nullable=False),
        sa.Column("last_gas_check_on", sa.Date(), nullable=True),
        sa.Column("gas_due_on", sa.Date(), nullable=True),
        sa.Column("last_eicr_on", sa.Date(), nullable=True),
        sa.Column("eicr_due_on", sa.Date(), nullable=True),
        sa.Column("needs_gas_check", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "gas_supply IN ('live', 'capped', 'none')",
            name=op.f("ck_gas_electric_home_gas_supply_known"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_gas_electric_home_place_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_home")),
        sa.UniqueConstraint("place_id", name=op.f("uq_gas_electric_home_place_id")),
        sa.UniqueConstraint(
            "property_reference", name=op.f("uq_gas_electric_home_property_reference")
        ),
    )
    with op.batch_alter_table("gas_electric_home", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_home_eicr_due_on"), ["eicr_due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_home_gas_due_on"), ["gas_due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_home_gas_supply"), ["gas_supply"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_home_needs_gas_check"), ["needs_gas_check"], unique=False
        )

    op.create_table(
        "gas_electric_alarm",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "location_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('smoke', 'carbon_monoxide', 'heat')",
            name=op.f("ck_gas_electric_alarm_alarm_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["home_id"],
            ["gas_electric_home.id"],
            name=op.f("fk_gas_electric_alarm_home_id_gas_electric_home"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_alarm_location_id_lookup_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_alarm")),
    )
    with op.batch_alter_table("gas_electric_alarm", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_alarm_home_id"), ["home_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_alarm_location_id"), ["location_id"], unique=False
        )

    op.create_table(
        "gas_electric_appliance",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "location_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("make", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("landlord_owned", sa.Boolean(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_id"],
            ["gas_electric_home.id"],
            name=op.f("fk_gas_electric_appliance_home_id_gas_electric_home"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_appliance_location_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_appliance_type_id_lookup_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_appliance")),
    )
    with op.batch_alter_table("gas_electric_appliance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_appliance_home_id"), ["home_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_appliance_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_appliance_type_id"), ["type_id"], unique=False
        )

    op.create_table(
        "gas_electric_gas_check",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("engineer_name", sa.String(length=100), nullable=False),
        sa.Column("gas_safe_number", sa.String(length=20), nullable=False),
        sa.Column(
            "contractor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("co_alarm_tested", sa.Boolean(), nullable=False),
        sa.Column("copy_given_on", sa.Date(), nullable=True),
        sa.Column("deadline_before", sa.Date(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=False),
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
            name=op.f("fk_gas_electric_gas_check_contractor_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["home_id"],
            ["gas_electric_home.id"],
            name=op.f("fk_gas_electric_gas_check_home_id_gas_electric_home"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_gas_check")),
        sa.UniqueConstraint("home_id", "certificate_number", name="certificate_once"),
    )
    with op.batch_alter_table("gas_electric_gas_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_gas_check_checked_on"), ["checked_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_gas_check_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_gas_check_home_id"), ["home_id"], unique=False
        )

    op.create_table(
        "gas_electric_gas_check_result",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("check_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "appliance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("defect_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("defect_notes", sa.Text(), nullable=False),
        sa.Column("remedial_action", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('pass', 'at_risk', 'immediately_dangerous', 'not_to_current_standards')",
            name=op.f("ck_gas_electric_gas_check_result_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["appliance_id"],
            ["gas_electric_appliance.id"],
            name=op.f("fk_gas_electric_gas_check_result_appliance_id_gas_electric_appliance"),
        ),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["gas_electric_gas_check.id"],
            name=op.f("fk_gas_electric_gas_check_result_check_id_gas_electric_gas_check"),
        ),
        sa.ForeignKeyConstraint(
            ["defect_id"],
            ["lookup_value.id"],
            name=op.f("fk_gas_electric_gas_check_result_defect_id_lookup_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_electric_gas_check_result")),
    )
    with op.batch_alter_table("gas_electric_gas_check_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_electric_gas_check_result_appliance_id"),
            ["appliance_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_gas_check_result_check_id"), ["check_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gas_electric_gas_check_result_defect_id"), ["defect_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("gas_electric_gas_check_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_gas_check_result_defect_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_gas_check_result_check_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_gas_check_result_appliance_id"))

    op.drop_table("gas_electric_gas_check_result")
    with op.batch_alter_table("gas_electric_gas_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_gas_check_home_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_gas_check_contractor_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_gas_check_checked_on"))

    op.drop_table("gas_electric_gas_check")
    with op.batch_alter_table("gas_electric_appliance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_appliance_type_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_appliance_location_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_appliance_home_id"))

    op.drop_table("gas_electric_appliance")
    with op.batch_alter_table("gas_electric_alarm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_alarm_location_id"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_alarm_home_id"))

    op.drop_table("gas_electric_alarm")
    with op.batch_alter_table("gas_electric_home", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_electric_home_needs_gas_check"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_home_gas_supply"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_home_gas_due_on"))
        batch_op.drop_index(batch_op.f("ix_gas_electric_home_eicr_due_on"))

    op.drop_table("gas_electric_home")
