"""rent arrears: unrounded weeks in arrears

Revision ID: 3e5cd665e579
Revises: e1ca3f9109b4
Create Date: 2026-12-07 14:25:23.392882
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3e5cd665e579"
down_revision: str | Sequence[str] | None = "e1ca3f9109b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Weeks in arrears was stored rounded to 2 dp and banded after rounding (7.996 weeks in
# "8 weeks or more"). Derive both again from the stored pence; no schema change.
BAND = """CASE
    WHEN balance_pence >= 8 * weekly_rent_pence THEN '8_plus'
    WHEN balance_pence >= 4 * weekly_rent_pence THEN '4_to_8'
    WHEN balance_pence >= 2 * weekly_rent_pence THEN '2_to_4'
    WHEN balance_pence >= weekly_rent_pence THEN '1_to_2'
    ELSE 'under_1' END"""


def upgrade() -> None:
    op.execute(
        "UPDATE rent_arrears_account_week SET "
        "weeks_in_arrears = CAST(balance_pence AS FLOAT) / weekly_rent_pence, "
        f"band = {BAND} WHERE balance_pence > 0"
    )


def downgrade() -> None:
    # Older code reads the unrounded figure just as well: nothing to undo.
    pass
