"""trusted documents: GraphQL documents registered by SHA-256 hash

Revision ID: e5b9d3f7a214
Revises: d4a7c2e9b130
Create Date: 2026-12-07 16:30:00.000000

Persisted queries (Apollo) and trusted documents (GraphQL over HTTP): front ends
register their documents with `pdms trusted-documents register`; clients then send the hash,
and PDMS_TRUSTED_DOCUMENTS can refuse any unregistered document.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b9d3f7a214"
down_revision: str | Sequence[str] | None = "d4a7c2e9b130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_document",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("client_name", sa.String(length=100), nullable=True),
        sa.Column(
            "registered_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_trusted_document_sha256")),
    )


def downgrade() -> None:
    op.drop_table("trusted_document")
