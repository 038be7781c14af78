"""notification channels: GOV.UK Notify email, SMS and letter

Revision ID: a9e4c7b2d519
Revises: f2c8a1d4b7e0
Create Date: 2026-12-07 19:00:00.000000

The outbox gains a channel (email, sms, letter), a provider (smtp, notify), Notify's
personalisation and a letter's address, Notify's id and status for the row, our own
status, and the time of its next attempt (back-off). Rows already there were SMTP
emails: they become email/smtp, ``sent`` when sent, ``failed`` when the old sender had
given up on them (5 attempts), else ``queued``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9e4c7b2d519"
down_revision: str | Sequence[str] | None = "f2c8a1d4b7e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The attempts after which the sender before this revision stopped trying.
OLD_MAX_ATTEMPTS = 5


def upgrade() -> None:
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=10), server_default="email", nullable=False)
        )
        batch_op.add_column(sa.Column("provider", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("personalisation", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("address_lines", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("provider_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("provider_status", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="queued", nullable=False)
        )
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_notification_outbox_status"), ["status"], unique=False)
    outbox = sa.table(
        "notification_outbox",
        sa.column("provider", sa.String),
        sa.column("status", sa.String),
        sa.column("sent_at", sa.DateTime),
        sa.column("attempts", sa.Integer),
    )
    op.execute(outbox.update().values(provider="smtp"))
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(status="sent"))
    op.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_(None), outbox.c.attempts >= OLD_MAX_ATTEMPTS)
        .values(status="failed")
    )


def downgrade() -> None:
    # The sender before this revision knows only SMTP email and no statuses: it would
    # email a text message's phone number or a letter's address lines, retry a message
    # Notify refused for good, and resend one that was being sent when the downgrade
    # ran. Mark every such unsent row as given up (the old sender skips rows at its
    # attempt limit), keeping the reason, rather than drop the rows.
    outbox = sa.table(
        "notification_outbox",
        sa.column("channel", sa.String),
        sa.column("status", sa.String),
        sa.column("sent_at", sa.DateTime),
        sa.column("attempts", sa.Integer),
        sa.column("last_error", sa.String),
    )
    unsent = outbox.c.sent_at.is_(None)
    for condition, reason in (
        (outbox.c.channel != "email", "given up on downgrade: not an email"),
        (outbox.c.status == "sending", "given up on downgrade: it may have been sent"),
        (outbox.c.status == "failed", "given up on downgrade: failed for good"),
    ):
        op.execute(
            outbox.update()
            .where(unsent, condition, outbox.c.attempts < OLD_MAX_ATTEMPTS)
            .values(attempts=OLD_MAX_ATTEMPTS, last_error=reason)
        )
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_outbox_status"))
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("status")
        batch_op.drop_column("provider_status")
        batch_op.drop_column("provider_ref")
        batch_op.drop_column("address_lines")
        batch_op.drop_column("personalisation")
        batch_op.drop_column("provider")
        batch_op.drop_column("channel")
