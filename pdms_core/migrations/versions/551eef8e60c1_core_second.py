"""core second

Revision ID: 551eef8e60c1
Revises: 
Create Date: 2026-11-22 03:24:57.485847
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '551eef8e60c1'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('core',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
