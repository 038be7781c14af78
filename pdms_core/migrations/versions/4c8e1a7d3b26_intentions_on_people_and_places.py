"""intentions on people and places

Revision ID: 4c8e1a7d3b26
Revises: 9d3c5a7e2f61
Create Date: 2026-12-07 22:30:00.000000

An intention may hang on a person or a place instead of a case: ``case_id`` becomes
optional, ``person_id`` and ``place_id`` arrive, and a check keeps exactly one of the
three. The downgrade refuses while case-less intentions exist, rather than lose them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c8e1a7d3b26"
down_revision: str | Sequence[str] | None = "9d3c5a7e2f61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ONE_HOLDER = (
    "(case_id IS NOT NULL AND person_id IS NULL AND place_id IS NULL) OR "
    "(case_id IS NULL AND person_id IS NOT NULL AND place_id IS NULL) OR "
    "(case_id IS NULL AND person_id IS NULL AND place_id IS NOT NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("intention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", ID, nullable=True))
        batch_op.add_column(sa.Column("place_id", ID, nullable=True))
        batch_op.alter_column("case_id", existing_type=ID, nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_intention_person_id_person"), "person", ["person_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_intention_place_id_place"), "place", ["place_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_intention_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intention_place_id"), ["place_id"], unique=False)
        batch_op.create_check_constraint("one_holder", ONE_HOLDER)


def downgrade() -> None:
    caseless = op.get_bind().scalar(sa.text("SELECT count(*) FROM intention WHERE case_id IS NULL"))
    if caseless:
        raise RuntimeError(
            f"{caseless} intentions are on a person or a place, which this revision's "
            "predecessor cannot hold: complete, cancel or remove them first."
        )
    with op.batch_alter_table("intention", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_intention_one_holder"), type_="check")
        batch_op.drop_index(batch_op.f("ix_intention_place_id"))
        batch_op.drop_index(batch_op.f("ix_intention_person_id"))
        batch_op.drop_constraint(batch_op.f("fk_intention_place_id_place"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_intention_person_id_person"), type_="foreignkey")
        batch_op.alter_column("case_id", existing_type=ID, nullable=False)
        batch_op.drop_column("place_id")
        batch_op.drop_column("person_id")
