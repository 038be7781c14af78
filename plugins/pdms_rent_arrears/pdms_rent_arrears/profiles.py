"""Profiling rules and the recommended next action, from a week row and the account.

Rules are SQL conditions too (:func:`rule_condition`), so listing the flagged accounts
of a week is one indexed query rather than a scan in Python.

Weeks-in-arrears thresholds compare the balance with threshold x weekly rent, in pence:
a rounded ratio let 3.998 weeks pass a 4-week rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, false, or_, true

from pdms_rent_arrears.models import AccountWeek

WEEKS_PER_MONTH = 52 / 12


def owes_weeks(week: Any, weeks: float) -> bool:
    """Whether the balance is at least ``weeks`` weeks' rent (unrounded)."""
    return week.balance_pence >= weeks * week.weekly_rent_pence


#: The attributes of a profile rule that narrow it; a rule with none of them (a value
#: a council added before setting its thresholds) flags nobody rather than everybody.
RULE_THRESHOLDS = (
    "min_weeks_in_arrears",
    "min_trend_weeks",
    "min_weeks_in_arrears_run",
    "segment",
    "universal_credit",
    "min_months_rent",
)


def has_thresholds(data: Mapping[str, Any] | None) -> bool:
    return any((data or {}).get(name) not in (None, False) for name in RULE_THRESHOLDS)


def rule_matches(data: Mapping[str, Any] | None, week: Any) -> bool:
    """Whether one profile rule holds for a week row (an ``AccountWeek`` or a row)."""
    data = data or {}
    if week.balance_pence <= 0 or not has_thresholds(data):
        return False
    if not owes_weeks(week, data.get("min_weeks_in_arrears", 0)):
        return False
    if week.trend_weeks < data.get("min_trend_weeks", 0):
        return False
    if week.weeks_in_arrears_run < data.get("min_weeks_in_arrears_run", 0):
        return False
    if "segment" in data and week.segment != data["segment"]:
        return False
    if data.get("universal_credit") and not week.universal_credit:
        return False
    months = data.get("min_months_rent")
    return not (
        months is not None
        and week.balance_pence < months * WEEKS_PER_MONTH * week.weekly_rent_pence
    )


def rule_condition(data: Mapping[str, Any] | None) -> Any:
    """The same rule as a SQL condition on ``rent_arrears_account_week``."""
    data = data or {}
    if not has_thresholds(data):
        return false()
    w = AccountWeek
    parts = [w.balance_pence > 0]
    if "min_weeks_in_arrears" in data:
        parts.append(w.balance_pence >= data["min_weeks_in_arrears"] * w.weekly_rent_pence)
    if "min_trend_weeks" in data:
        parts.append(w.trend_weeks >= data["min_trend_weeks"])
    if "min_weeks_in_arrears_run" in data:
        parts.append(w.weeks_in_arrears_run >= data["min_weeks_in_arrears_run"])
    if "segment" in data:
        parts.append(w.segment == data["segment"])
    if data.get("universal_credit"):
        parts.append(w.universal_credit == true())
    if data.get("min_months_rent") is not None:
        parts.append(
            w.balance_pence >= data["min_months_rent"] * WEEKS_PER_MONTH * w.weekly_rent_pence
        )
    return and_(*parts)


def any_rule_condition(rules: Sequence[Any]) -> Any:
    return or_(*(rule_condition(r.data) for r in rules)) if rules else false()


def recommend(
    cascade: Sequence[Any],
    week: Any,
    *,
    last_action_id: int | None,
    last_action_on: date | None,
    agreement_until: date | None,
) -> tuple[Any | None, bool]:
    """(the next action due, or None; whether an active repayment agreement suppresses it).

    The cascade is walked in list order from the step after the last action taken; the
    next step is recommended once its thresholds hold, otherwise nothing is due yet.
    """
    if week is None or week.balance_pence <= 0:
        return None, False
    if agreement_until is not None and agreement_until >= week.report_date:
        return None, True
    ids = [step.id for step in cascade]
    position = ids.index(last_action_id) + 1 if last_action_id in ids else 0
    if position >= len(cascade):
        return None, False
    step = cascade[position]
    data = step.data or {}
    if week.balance_pence < data.get("min_balance_pence", 0):
        return None, False
    if not owes_weeks(week, data.get("min_weeks_in_arrears", 0)):
        return None, False
    wait = data.get("min_days_after_previous")
    too_soon = (
        wait is not None
        and last_action_on is not None
        and (week.report_date - last_action_on).days < wait
    )
    if too_soon:
        return None, False
    return step, False
