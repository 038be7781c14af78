"""lookup_value.data_customised: council-set attributes survive lookups sync

Revision ID: d4a7c2e9b130
Revises: c3f1a9d27e55
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4a7c2e9b130"
down_revision: str | Sequence[str] | None = "c3f1a9d27e55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lookup_value", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("data_customised", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("lookup_value", schema=None) as batch_op:
        batch_op.drop_column("data_customised")
