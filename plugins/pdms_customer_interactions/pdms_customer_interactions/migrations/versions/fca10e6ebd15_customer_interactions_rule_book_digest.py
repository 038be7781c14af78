"""customer interactions rule book digest

Revision ID: fca10e6ebd15
Revises: 1be0f580b369
Create Date: 2026-12-07 19:42:12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fca10e6ebd15"
down_revision: str | Sequence[str] | None = "1be0f580b369"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Books saved before have an empty digest: they are read, just not cached.
    with op.batch_alter_table("customer_interactions_rule_book", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("customer_interactions_rule_book", schema=None) as batch_op:
        batch_op.alter_column("digest", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("customer_interactions_rule_book", schema=None) as batch_op:
        batch_op.drop_column("digest")
