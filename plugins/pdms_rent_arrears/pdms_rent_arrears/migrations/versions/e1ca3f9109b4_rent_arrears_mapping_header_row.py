"""rent arrears: mapping header row

Revision ID: e1ca3f9109b4
Revises: efe4b84ff3a1
Create Date: 2026-12-07 14:15:14.282446
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e1ca3f9109b4"
down_revision: str | Sequence[str] | None = "efe4b84ff3a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null keeps today's behaviour: the header row is found automatically.
    op.add_column("rent_arrears_column_mapping", sa.Column("header_row", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("rent_arrears_column_mapping") as batch:
        batch.drop_column("header_row")
