"""The module's clock: every service asks it for now, so tests can fix the date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return datetime.now(UTC)


def local_date(at: datetime) -> date:
    """The date in England and Wales at ``at``: deadlines are counted in it."""
    return at.astimezone(LONDON).date()
