"""API keys keep the teams their creator's permissions were limited to

Revision ID: 8a0e6b4867ea
Revises: a7d3e5c1b902
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a0e6b4867ea"
down_revision: str | Sequence[str] | None = "a7d3e5c1b902"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Existing keys get no rows: their codes stay council-wide as stored, and signing
    # in with a key now narrows it to what its creator holds (auth/apikeys.py), so a
    # key made by a team-scoped officer before this revision is limited at once.
    op.create_table(
        "api_key_team",
        sa.Column("api_key_id", ID, nullable=False),
        sa.Column("permission", sa.String(length=200), nullable=False),
        sa.Column("team_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_api_key_team_api_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_api_key_team_team_id_team")
        ),
        sa.PrimaryKeyConstraint(
            "api_key_id", "permission", "team_id", name=op.f("pk_api_key_team")
        ),
    )
    with op.batch_alter_table("api_key_team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_team_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("api_key_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_team_team_id"))
    op.drop_table("api_key_team")
