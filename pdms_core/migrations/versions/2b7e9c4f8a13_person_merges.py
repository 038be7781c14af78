"""person merges

Revision ID: 2b7e9c4f8a13
Revises: 6f4a8d2c1e95
Create Date: 2026-12-07 22:05:00.000000

Merging people: a person may be marked as merged into another, and each merge keeps
the snapshot an un-merge restores from (pdms_core/merging).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2b7e9c4f8a13"
down_revision: str | Sequence[str] | None = "6f4a8d2c1e95"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not batch mode: recreating the person table would drop its search triggers.
        op.execute(
            "ALTER TABLE person ADD COLUMN merged_into_id INTEGER "
            "CONSTRAINT fk_person_merged_into_id_person REFERENCES person (id)"
        )
    else:
        op.add_column("person", sa.Column("merged_into_id", ID, nullable=True))
        op.create_foreign_key(
            op.f("fk_person_merged_into_id_person"), "person", "person", ["merged_into_id"], ["id"]
        )
    op.create_index(op.f("ix_person_merged_into_id"), "person", ["merged_into_id"])
    op.create_table(
        "person_merge",
        sa.Column("id", ID, nullable=False),
        sa.Column("survivor_id", ID, nullable=False),
        sa.Column(
            "merged_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("merged_by", sa.String(length=100), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["person.id"], name=op.f("fk_person_merge_survivor_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge")),
    )
    op.create_index(op.f("ix_person_merge_survivor_id"), "person_merge", ["survivor_id"])
    op.create_table(
        "person_merge_member",
        sa.Column("id", ID, nullable=False),
        sa.Column("merge_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("person_row", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["person_merge.id"],
            name=op.f("fk_person_merge_member_merge_id_person_merge"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_merge_member_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge_member")),
    )
    op.create_index(op.f("ix_person_merge_member_merge_id"), "person_merge_member", ["merge_id"])
    op.create_index(op.f("ix_person_merge_member_person_id"), "person_merge_member", ["person_id"])
    op.create_table(
        "person_merge_change",
        sa.Column("id", ID, nullable=False),
        sa.Column("merge_id", ID, nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=100), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("column_name", sa.String(length=100), nullable=True),
        sa.Column("old_value", sa.BigInteger(), nullable=True),
        sa.Column("new_value", sa.BigInteger(), nullable=True),
        sa.Column("row_data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["person_merge.id"],
            name=op.f("fk_person_merge_change_merge_id_person_merge"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge_change")),
    )
    op.create_index(op.f("ix_person_merge_change_merge_id"), "person_merge_change", ["merge_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_person_merge_change_merge_id"), table_name="person_merge_change")
    op.drop_table("person_merge_change")
    op.drop_index(op.f("ix_person_merge_member_person_id"), table_name="person_merge_member")
    op.drop_index(op.f("ix_person_merge_member_merge_id"), table_name="person_merge_member")
    op.drop_table("person_merge_member")
    op.drop_index(op.f("ix_person_merge_survivor_id"), table_name="person_merge")
    op.drop_table("person_merge")
    op.drop_index(op.f("ix_person_merged_into_id"), table_name="person")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE person DROP COLUMN merged_into_id")
    else:
        op.drop_constraint(op.f("fk_person_merged_into_id_person"), "person", type_="foreignkey")
        op.drop_column("person", "merged_into_id")
