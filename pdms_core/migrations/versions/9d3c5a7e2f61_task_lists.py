"""standard task lists

Revision ID: 9d3c5a7e2f61
Revises: 2b7e9c4f8a13
Create Date: 2026-12-07 22:20:00.000000

A task list per demand type (and optionally category) of a module: the follow-ups
(intentions) a presenting demand of that kind brings, due a number of working days
after it arrives.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3c5a7e2f61"
down_revision: str | Sequence[str] | None = "2b7e9c4f8a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "task_list",
        sa.Column("id", ID, nullable=False),
        sa.Column("module", sa.String(length=60), nullable=False),
        sa.Column("demand_type_id", ID, nullable=False),
        sa.Column("demand_category_id", ID, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_type_id"],
            ["lookup_value.id"],
            name=op.f("fk_task_list_demand_type_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["demand_category_id"],
            ["lookup_value.id"],
            name=op.f("fk_task_list_demand_category_id_lookup_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_list")),
    )
    op.create_index(op.f("ix_task_list_module"), "task_list", ["module"])
    op.create_index(op.f("ix_task_list_demand_type_id"), "task_list", ["demand_type_id"])
    op.create_table(
        "task_list_item",
        sa.Column("id", ID, nullable=False),
        sa.Column("task_list_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("intention_type_id", ID, nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("team_id", ID, nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "offset_days >= 0 AND offset_days <= 365", name=op.f("ck_task_list_item_offset_range")
        ),
        sa.ForeignKeyConstraint(
            ["task_list_id"],
            ["task_list.id"],
            name=op.f("fk_task_list_item_task_list_id_task_list"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intention_type_id"],
            ["lookup_value.id"],
            name=op.f("fk_task_list_item_intention_type_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_task_list_item_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_list_item")),
    )
    op.create_index(op.f("ix_task_list_item_task_list_id"), "task_list_item", ["task_list_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_list_item_task_list_id"), table_name="task_list_item")
    op.drop_table("task_list_item")
    op.drop_index(op.f("ix_task_list_demand_type_id"), table_name="task_list")
    op.drop_index(op.f("ix_task_list_module"), table_name="task_list")
    op.drop_table("task_list")
