"""usernames and single sign-on

Revision ID: 8b3f1d6c2e47
Revises: b6d1f3e8c042
Create Date: 2026-12-07 22:00:00.000000

Staff may sign in with an optional username as well as their email. Single sign-on
(OpenID Connect) keeps each staff user's link to their provider account
(``staff_identity``: issuer and subject) and the sign-ins begun and not yet finished
(``oidc_pending``: state, nonce and PKCE verifier, used once).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b3f1d6c2e47"
down_revision: str | Sequence[str] | None = "b6d1f3e8c042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_staff_user_username"), ["username"])
    op.create_table(
        "staff_identity",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_staff_identity_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_staff_identity_issuer_subject")),
        sa.UniqueConstraint("issuer", "user_id", name=op.f("uq_staff_identity_issuer_user_id")),
    )
    with op.batch_alter_table("staff_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_identity_user_id"), ["user_id"], unique=False)
    op.create_table(
        "oidc_pending",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("keep_signed_in", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_oidc_pending")),
    )
    with op.batch_alter_table("oidc_pending", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oidc_pending_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oidc_pending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_pending_expires_at"))
    op.drop_table("oidc_pending")
    with op.batch_alter_table("staff_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_identity_user_id"))
    op.drop_table("staff_identity")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_staff_user_username"), type_="unique")
        batch_op.drop_column("username")
