"""Week-on-week segments and runs (DOMAIN.md §4), as a pure function of two weeks.

- new: in arrears now, not last week, never before;
- returned: in arrears now, not last week, but in arrears at some earlier time;
- increasing / decreasing / static: in arrears both weeks, balance up / down / same;
- cleared: in arrears last week, not now;
- no segment: not in arrears either week.

In a rent-free week no rent is charged, so a falling balance is not a trend: an account
in arrears both weeks keeps last week's trend and its trend run does not grow.

Weeks in arrears is stored unrounded and bands compare whole pence (balance against
bound x rent): rounding first put 7.996 weeks in "8 weeks or more". Round for display.
"""

from __future__ import annotations

from typing import NamedTuple

from pdms_rent_arrears.models import CLEARED, NEW, RETURNED, STATIC, TRENDS

#: Weeks-in-arrears bands for accounts in arrears: (code, label, lower bound inclusive).
BANDS = (
    ("under_1", "Under 1 week", 0.0),
    ("1_to_2", "1 to 2 weeks", 1.0),
    ("2_to_4", "2 to 4 weeks", 2.0),
    ("4_to_8", "4 to 8 weeks", 4.0),
    ("8_plus", "8 weeks or more", 8.0),
)
BAND_CODES = tuple(code for code, _, _ in BANDS)


class Previous(NamedTuple):
    """What the week before says about an account (its latest earlier report row)."""

    balance_pence: int
    segment: str | None
    weeks_in_arrears_run: int
    trend_weeks: int
    ever_in_arrears: bool
    last_week: bool  # the row is from the report immediately before this one
    # (NamedTuples, not dataclasses: tens of thousands are built per import.)


class Derived(NamedTuple):
    segment: str | None
    weeks_in_arrears: float
    band: str | None
    weeks_in_arrears_run: int
    trend_weeks: int
    ever_in_arrears: bool


def band_of(balance_pence: int, weekly_rent_pence: int) -> str:
    """The band of an account in arrears, compared in pence so no rounding can cross a
    bound (the bounds are whole weeks)."""
    code = BAND_CODES[0]
    for candidate, _, lower in BANDS:
        if balance_pence >= int(lower) * weekly_rent_pence:
            code = candidate
    return code


def derive(
    previous: Previous | None, balance_pence: int, weekly_rent_pence: int, rent_free: bool
) -> Derived:
    in_arrears = balance_pence > 0
    was_in_arrears = previous is not None and previous.last_week and previous.balance_pence > 0
    ever_before = previous is not None and previous.ever_in_arrears
    if in_arrears and not was_in_arrears:
        segment, run, trend = (RETURNED if ever_before else NEW), 1, 1
    elif in_arrears:
        run = previous.weeks_in_arrears_run + 1
        if rent_free:
            kept = previous.segment in TRENDS
            segment = previous.segment if kept else STATIC
            trend = previous.trend_weeks if kept else 1
        else:
            change = balance_pence - previous.balance_pence
            segment = TRENDS[0] if change > 0 else TRENDS[1] if change < 0 else STATIC
            trend = previous.trend_weeks + 1 if previous.segment == segment else 1
    elif was_in_arrears:
        segment, run, trend = CLEARED, 0, 1
    else:
        segment, run, trend = None, 0, 0
    weeks = balance_pence / weekly_rent_pence if in_arrears else 0.0
    return Derived(
        segment=segment,
        weeks_in_arrears=weeks,
        band=band_of(balance_pence, weekly_rent_pence) if in_arrears else None,
        weeks_in_arrears_run=run,
        trend_weeks=trend,
        ever_in_arrears=ever_before or in_arrears,
    )
