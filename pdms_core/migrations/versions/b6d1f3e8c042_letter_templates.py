"""letter templates and their purposes

Revision ID: b6d1f3e8c042
Revises: a9e4c7b2d519
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6d1f3e8c042"
down_revision: str | Sequence[str] | None = "a9e4c7b2d519"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
