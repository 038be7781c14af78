"""notification channels: GOV.UK Notify email, SMS and letter

Revision ID: a9e4c7b2d519
Revises: f2c8a1d4b7e0
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9e4c7b2d519"
down_revision: str | Sequence[str] | None = "f2c8a1d4b7e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
