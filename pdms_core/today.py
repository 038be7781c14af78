"""Today's date in the council's time zone (UK), the date every deadline is counted in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today in England and Wales (not the server's or UTC's date)."""
    return datetime.now(LONDON).date()
