"""duplicate people review

Revision ID: 6f4a8d2c1e95
Revises: 9d3c5a7e2f61
Create Date: 2026-12-07 22:05:00.000000

Reserved in the chain; its owner fills in the tables before committing.
"""

from collections.abc import Sequence

revision: str = "6f4a8d2c1e95"
down_revision: str | Sequence[str] | None = "9d3c5a7e2f61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
