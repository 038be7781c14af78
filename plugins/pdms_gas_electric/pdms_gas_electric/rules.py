"""The legal clock, in calendar months (python-dateutil), never days/365.

Gas Safety (Installation and Use) Regulations 1998, reg. 36(3) as amended in 2018: a
check carried out in the period of 2 months ending with the deadline keeps the deadline,
so the next one is the deadline plus 12 months; a first, early or late check sets the
next deadline to the check date plus 12 months. "Plus 12 months" is the corresponding
date, or the month's last day when the month is too short (29 February 2024 + 12
months = 28 February 2025): ``relativedelta`` does exactly that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from pdms_gas_electric.models import UNSAFE_OUTCOMES

YEAR = relativedelta(months=12)
#: The record reaches the tenant "within 28 days of" the check: check + 28 is in time.
COPY_DAYS = 28


def window_start(deadline: date) -> date:
    """First day of the 2-month period ending with ``deadline`` (deadline - 2 months + 1 day)."""
    return deadline - relativedelta(months=2) + timedelta(days=1)


def next_gas_due(deadline: date | None, checked_on: date) -> date:
    """The deadline a check on ``checked_on`` sets, given the deadline it answered."""
    if deadline is not None and window_start(deadline) <= checked_on <= deadline:
        return deadline + YEAR
    return checked_on + YEAR


def gas_chain(check_dates: Iterable[date]) -> list[tuple[date, date | None, date]]:
    """(check date, deadline it answered, deadline it set) for each check, oldest first.

    Checks on the same day count once: the deadline they answer is the same.
    """
    chain: list[tuple[date, date | None, date]] = []
    deadline: date | None = None
    for checked_on in sorted(check_dates):
        answered = deadline
        if chain and chain[-1][0] == checked_on:
            answered = chain[-1][1]
        deadline = next_gas_due(answered, checked_on)
        chain.append((checked_on, answered, deadline))
    return chain


def copy_late(checked_on: date, copy_given_on: date | None, today: date) -> bool:
    """The copy did not reach the tenant within 28 days (or has not yet, 28 days on)."""
    last_day = checked_on + timedelta(days=COPY_DAYS)
    return copy_given_on > last_day if copy_given_on is not None else today > last_day


def unsafe_unremedied(outcome: str, remedial_action: str) -> bool:
    """An unsafe appliance result with no remedial action written down."""
    return outcome in UNSAFE_OUTCOMES and not remedial_action.strip()
