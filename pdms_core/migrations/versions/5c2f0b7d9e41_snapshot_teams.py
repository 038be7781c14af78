"""measure snapshots remember the teams they were limited to

Revision ID: 5c2f0b7d9e41
Revises: 8bd14df66a36
Create Date: 2026-11-30 21:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c2f0b7d9e41"
down_revision: str | Sequence[str] | None = "8bd14df66a36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "measure_snapshot_team",
        sa.Column("snapshot_id", ID, nullable=False),
        sa.Column("team_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["measure_snapshot.id"],
            name=op.f("fk_measure_snapshot_team_snapshot_id_measure_snapshot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_measure_snapshot_team_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "team_id", name=op.f("pk_measure_snapshot_team")),
    )
    with op.batch_alter_table("measure_snapshot_team", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_snapshot_team_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("measure_snapshot_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_snapshot_team_team_id"))
    op.drop_table("measure_snapshot_team")
