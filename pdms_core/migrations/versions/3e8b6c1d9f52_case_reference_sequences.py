"""case reference sequences

Revision ID: 3e8b6c1d9f52
Revises: 8b3f1d6c2e47
Create Date: 2026-12-07 22:00:00.000000

On PostgreSQL each module's case numbers come from a SEQUENCE of its own
(``case_reference_<module>``) instead of an UPDATE of its ``case_sequence`` row, which held
the row's lock until the opening transaction committed and so made concurrent openings
wait on each other. Existing modules' sequences continue from ``last_number``; the
downgrade writes the last number issued back there. SQLite keeps the row counter.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e8b6c1d9f52"
down_revision: str | Sequence[str] | None = "8b3f1d6c2e47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _name(module: str) -> str:
    # As pdms_core.cases.references.sequence_name at this revision.
    name = f"case_reference_{module}"
    if len(name) > 63:
        name = f"case_reference_{hashlib.sha256(module.encode()).hexdigest()[:32]}"
    return name


def _rows() -> list[tuple[str, int]]:
    return [tuple(r) for r in op.get_bind().execute(sa.text(SELECT_ROWS))]


SELECT_ROWS = "SELECT module, last_number FROM case_sequence ORDER BY module"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for module, last_number in _rows():
        op.execute(
            f'CREATE SEQUENCE IF NOT EXISTS "{_name(module)}" START WITH {int(last_number) + 1}'
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for module, _ in _rows():
        name = _name(module)
        if bind.scalar(sa.text("SELECT to_regclass(:n)"), {"n": f'"{name}"'}) is None:
            continue
        last = bind.execute(sa.text(f'SELECT last_value, is_called FROM "{name}"')).one()
        bind.execute(
            sa.text("UPDATE case_sequence SET last_number = :n WHERE module = :m"),
            {"n": last.last_value if last.is_called else last.last_value - 1, "m": module},
        )
        op.execute(f'DROP SEQUENCE "{name}"')
