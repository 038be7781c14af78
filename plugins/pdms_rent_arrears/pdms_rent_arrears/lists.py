"""The module's configurable lists and the rules they carry.

Profiling rules and the recovery-action cascade are lookup values whose ``data`` holds
their thresholds, so a council edits them like any other list (and adds its own) with
no code change. Rule keys, all optional and all required to hold:

- ``min_weeks_in_arrears``, ``min_trend_weeks``, ``min_weeks_in_arrears_run``: numbers;
- ``segment``: one of the segments;
- ``universal_credit``: true for UC claimants only;
- ``min_months_rent``: balance at least this many months' rent (a month = 52/12 weeks).

A next action's ``data``: ``min_balance_pence``, ``min_weeks_in_arrears`` and
``min_days_after_previous`` (days since the previous action in the cascade was taken).
"""

from __future__ import annotations

from pdms_core.plugin import LookupAttribute, LookupSeed, LookupSetSpec, problem_lookup_sets
from pdms_rent_arrears.models import SEGMENTS

MODULE = "rent_arrears"
PATCH = "rent_arrears.patch"
PROFILE_RULE = "rent_arrears.profile_rule"
NEXT_ACTION = "rent_arrears.next_action"
TENANCY_REFERENCE_TYPE = "tenancy_reference"  # core's external_reference_type value
ARREARS_DEMAND = "rent_arrears"


WEEKS = "Weeks' rent owed, at least (unrounded: 3.99 is not 4)."
RULE_ATTRIBUTES = (
    LookupAttribute("min_weeks_in_arrears", WEEKS, kind="number", minimum=0),
    LookupAttribute("min_trend_weeks", "Weeks the trend has held, at least.", "integer", minimum=0),
    LookupAttribute(
        "min_weeks_in_arrears_run", "Weeks in arrears in a row, at least.", "integer", minimum=0
    ),
    LookupAttribute(
        "segment",
        "Only accounts in this segment.",
        choices=SEGMENTS,
    ),
    LookupAttribute("universal_credit", "Only Universal Credit claimants.", "boolean"),
    LookupAttribute(
        "min_months_rent", "Months' rent owed, at least (52/12 weeks).", "number", minimum=0
    ),
)
ACTION_ATTRIBUTES = (
    LookupAttribute("min_balance_pence", "Balance owed, at least, in pence.", "integer", minimum=0),
    LookupAttribute("min_weeks_in_arrears", WEEKS, kind="number", minimum=0),
    LookupAttribute(
        "min_days_after_previous",
        "Days since the previous step was taken, at least.",
        "integer",
        minimum=0,
    ),
)


def lookup_sets() -> list[LookupSetSpec]:
    return [
        *problem_lookup_sets(
            MODULE,
            case_status=(
                LookupSeed("open", "Open"),
                LookupSeed("agreement", "Repayment agreement"),
                LookupSeed("legal", "Legal action"),
                LookupSeed("cleared", "Arrears cleared", data={"closed": True}),
                LookupSeed(
                    "closed", "Closed", data={"closed": True, "forbid_open_intentions": True}
                ),
            ),
            demand_type=(
                LookupSeed(ARREARS_DEMAND, "Rent arrears"),
                LookupSeed("payment_query", "Rent payment query"),
            ),
        ),
        LookupSetSpec(
            code=PATCH,
            label="Rent patches",
            description="Housing patches named in the weekly arrears report.",
            seeds=(
                LookupSeed("north", "North"),
                LookupSeed("south", "South"),
                LookupSeed("east", "East"),
                LookupSeed("west", "West"),
            ),
        ),
        LookupSetSpec(
            code=PROFILE_RULE,
            label="Arrears profiling rules",
            description="Rules that flag accounts needing attention; thresholds in data.",
            attributes=RULE_ATTRIBUTES,
            seeds=(
                LookupSeed(
                    "persistent_increasing",
                    "4+ weeks in arrears and increasing for 3 weeks",
                    data={"min_weeks_in_arrears": 4, "segment": "increasing", "min_trend_weeks": 3},
                ),
                LookupSeed("returned", "Back in arrears", data={"segment": "returned"}),
                LookupSeed(
                    "uc_two_months",
                    "Universal Credit claimant owing 2 months' rent (managed payment)",
                    data={"universal_credit": True, "min_months_rent": 2},
                ),
            ),
        ),
        LookupSetSpec(
            code=NEXT_ACTION,
            label="Arrears recovery actions",
            description="The recommended action cascade, in order; thresholds in data.",
            attributes=ACTION_ATTRIBUTES,
            seeds=(
                LookupSeed("first_contact", "First contact", data={"min_balance_pence": 500}),
                LookupSeed("letter_1", "Letter 1", data={"min_weeks_in_arrears": 1}),
                LookupSeed(
                    "letter_2",
                    "Letter 2",
                    data={"min_weeks_in_arrears": 1, "min_days_after_previous": 7},
                ),
                LookupSeed(
                    "notice",
                    "Notice of seeking possession",
                    data={"min_weeks_in_arrears": 4, "min_days_after_previous": 7},
                ),
                LookupSeed("court_warning", "Court warning", data={"min_days_after_previous": 28}),
            ),
        ),
    ]
