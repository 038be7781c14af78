"""documents held against records

Revision ID: f2c8a1d4b7e0
Revises: e5b9d3f7a214
Create Date: 2026-12-07 19:00:00.000000

One row per file held against a person, place, case, demand, activity or a module's
record (holder type + id, indexed together); the bytes live in the document store.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2c8a1d4b7e0"
down_revision: str | Sequence[str] | None = "e5b9d3f7a214"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", ID, nullable=False),
        sa.Column("holder_type", sa.String(length=60), nullable=False),
        sa.Column("holder_id", sa.BigInteger(), nullable=False),
        sa.Column("category_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("store_key", sa.String(length=200), nullable=False),
        sa.Column("retention_id", ID, nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=True),
        sa.Column("uploaded_by_actor", sa.String(length=100), nullable=True),
        sa.Column(
            "uploaded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_actor", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["lookup_value.id"],
            name=op.f("fk_document_category_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["retention_id"],
            ["lookup_value.id"],
            name=op.f("fk_document_retention_id_lookup_value"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_document_uploaded_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("store_key", name=op.f("uq_document_store_key")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_document_holder", ["holder_type", "holder_id", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_document_category_id"), ["category_id"])
        batch_op.create_index(batch_op.f("ix_document_retention_id"), ["retention_id"])
        batch_op.create_index(batch_op.f("ix_document_uploaded_by_id"), ["uploaded_by_id"])
        batch_op.create_index(batch_op.f("ix_document_sha256"), ["sha256"])
        batch_op.create_index(batch_op.f("ix_document_deleted_at"), ["deleted_at"])


def downgrade() -> None:
    op.drop_table("document")
