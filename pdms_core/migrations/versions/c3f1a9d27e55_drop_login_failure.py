"""drop login_failure: sign-in attempts are counted in attempt_counter

Revision ID: c3f1a9d27e55
Revises: b8e2c4d6f013
Create Date: 2026-12-07 14:10:00.000000

b8e2c4d6f013 moved throttling to one atomic counter per key; the old table of failed
attempts is read and written by nothing. Its rows were counts, not an audit trail
(sign-ins are audited in audit_event), so nothing is lost by dropping it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f1a9d27e55"
down_revision: str | Sequence[str] | None = "b8e2c4d6f013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failure_ip"))
        batch_op.drop_index(batch_op.f("ix_login_failure_at"))
        batch_op.drop_index(batch_op.f("ix_login_failure_account_key"))
    op.drop_table("login_failure")


def downgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failure_account_key"), ["account_key"])
        batch_op.create_index(batch_op.f("ix_login_failure_at"), ["at"])
        batch_op.create_index(batch_op.f("ix_login_failure_ip"), ["ip"])
