"""attempt counters for sign-in, password changes and reset requests

Revision ID: b8e2c4d6f013
Revises: 8a0e6b4867ea
Create Date: 2026-12-07 13:30:00.000000

One row per throttled key (an email hash or an IP address with a purpose prefix),
counted atomically with INSERT ... ON CONFLICT DO UPDATE (pdms_core/auth/throttle.py).
The login_failure table it replaces is left in place, unused.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8e2c4d6f013"
down_revision: str | Sequence[str] | None = "8a0e6b4867ea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attempt_counter",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_ends", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_attempt_counter")),
    )
    with op.batch_alter_table("attempt_counter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attempt_counter_window_ends"), ["window_ends"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attempt_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_counter_window_ends"))
    op.drop_table("attempt_counter")
