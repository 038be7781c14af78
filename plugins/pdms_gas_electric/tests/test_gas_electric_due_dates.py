"""The next-due rule (reg. 36(3)) at every edge, and the breach flags, through GraphQL."""

from __future__ import annotations

from datetime import date

import pytest
from gas_electric_support import (
    HOME,
    OFFICER,
    READER,
    RECORD_CHECK,
    SET_COPY,
    check_input,
    gas_home,
    ok,
    record,
)
from pdms_core.plugin import today

FIELD = "gasElectricRecordGasCheck"


async def due_after(graphql, db, *dates: str) -> list[tuple[str | None, str]]:
    """(deadline answered, deadline set) of each check on a new home, in check order."""
    home = await gas_home(graphql, db)
    for number, checked_on in enumerate(dates):
        ok(await record(graphql, home["home"], checked_on, f"CP-{number}"), FIELD)
    found = (await graphql.as_actor(READER).execute(HOME, {"place": home["place"]})).ok()
    data = found["gasElectricHome"]
    checks = sorted(data["gasChecks"], key=lambda c: c["checkedOn"])
    assert data["gasDueOn"] == checks[-1]["nextDueOn"]
    assert data["lastGasCheckOn"] == checks[-1]["checkedOn"]
    return [(c["deadlineBefore"], c["nextDueOn"]) for c in checks]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # a first check: check date + 12 months; 29 February takes 28 February
        (["2024-02-29"], [(None, "2025-02-28")]),
        # deadline 28 Feb 2025: the 2-month window starts on 29 Dec 2024 (its first day keeps
        # the deadline's anniversary) ...
        (["2024-02-29", "2024-12-29"], [(None, "2025-02-28"), ("2025-02-28", "2026-02-28")]),
        # ... and the day before it is early: the anniversary moves to the check date
        (["2024-02-29", "2024-12-28"], [(None, "2025-02-28"), ("2025-02-28", "2025-12-28")]),
        # month ends: deadline 31 Aug 2025, window from 1 Jul 2025
        (["2024-08-31", "2025-07-01"], [(None, "2025-08-31"), ("2025-08-31", "2026-08-31")]),
        (["2024-08-31", "2025-06-30"], [(None, "2025-08-31"), ("2025-08-31", "2026-06-30")]),
        # deadline 30 Apr 2025: the window is 1 Mar to 30 Apr (28 Feb is early)
        (["2024-04-30", "2025-03-01"], [(None, "2025-04-30"), ("2025-04-30", "2026-04-30")]),
        (["2024-04-30", "2025-02-28"], [(None, "2025-04-30"), ("2025-04-30", "2026-02-28")]),
        # on the deadline itself: kept; the day after (late): from the check date
        (["2024-05-15", "2025-05-15"], [(None, "2025-05-15"), ("2025-05-15", "2026-05-15")]),
        (["2024-05-15", "2025-05-16"], [(None, "2025-05-15"), ("2025-05-15", "2026-05-16")]),
        # a kept anniversary keeps following the deadline chain, not the check dates
        (
            ["2023-03-31", "2024-02-01", "2025-02-01"],
            [(None, "2024-03-31"), ("2024-03-31", "2025-03-31"), ("2025-03-31", "2026-03-31")],
        ),
    ],
)
async def test_next_due_follows_the_regulation(graphql, pdms_db, lookups, dates, expected):
    assert await due_after(graphql, pdms_db, *dates) == expected


async def test_a_late_return_entered_out_of_order_rechains(graphql, pdms_db, lookups):
    # the 2025 check arrives first, the 2024 one later: the chain is folded in date order
    assert await due_after(graphql, pdms_db, "2025-07-01", "2024-08-31") == [
        (None, "2025-08-31"),
        ("2025-08-31", "2026-08-31"),
    ]


async def test_breaches_overdue_copy_late_and_unsafe(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    # an old check whose copy reached the tenant on day 29, with an unremedied unsafe boiler
    late = ok(
        await record(
            graphql,
            home["home"],
            "2025-01-01",
            "CP-OLD",
            copyGivenOn="2025-01-30",
            results=[
                {
                    "outcome": "at_risk",
                    "applianceId": home["appliance"],
                    "defectCode": "flue_defective",
                }
            ],
        ),
        FIELD,
    )["gasCheck"]
    assert late["breaches"] == ["copy_late", "unsafe_without_remedy"]
    assert late["results"] == [
        {
            "outcome": "at_risk",
            "appliance": home["appliance"],
            "defect": {"code": "flue_defective"},
            "remedialAction": "",
        }
    ]
    data = (await graphql.as_actor(READER).execute(HOME, {"place": home["place"]})).ok()
    # due 2026-01-01, before today: overdue too
    assert data["gasElectricHome"]["breaches"] == ["overdue", "copy_late", "unsafe_without_remedy"]

    # a copy on day 28 is in time; a remedied unsafe result is no breach
    other = await gas_home(graphql, pdms_db, "2 Other Row")
    in_time = ok(
        await record(
            graphql,
            other["home"],
            "2025-01-01",
            "CP-OK",
            copyGivenOn="2025-01-29",
            results=[{"outcome": "immediately_dangerous", "remedialAction": "Capped and labelled"}],
        ),
        FIELD,
    )["gasCheck"]
    assert in_time["breaches"] == []


async def test_no_copy_yet_is_late_only_after_28_days(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    day = today().toordinal()
    fresh = ok(
        await record(
            graphql, home["home"], date.fromordinal(day - 28).isoformat(), "CP-A", copyGivenOn=None
        ),
        FIELD,
    )["gasCheck"]
    assert fresh["breaches"] == []
    stale = ok(
        await record(
            graphql, home["home"], date.fromordinal(day - 29).isoformat(), "CP-B", copyGivenOn=None
        ),
        FIELD,
    )["gasCheck"]
    assert stale["breaches"] == ["copy_late"]
    given = await graphql.as_actor(OFFICER).execute(
        SET_COPY, {"id": stale["id"], "on": date.fromordinal(day).isoformat()}
    )
    assert ok(given, "gasElectricSetCopyGiven")["gasCheck"]["breaches"] == ["copy_late"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"gasSafeNumber": "12AB"}, "gasSafeNumber"),
        ({"checkedOn": "2999-01-01"}, "checkedOn"),
        ({"engineerName": " "}, "engineerName"),
        ({"results": [{"outcome": "fine"}]}, "results"),
        ({"contractorCode": "nobody"}, "contractorCode"),
    ],
)
async def test_a_bad_record_is_refused_and_moves_nothing(graphql, pdms_db, lookups, change, field):
    home = await gas_home(graphql, pdms_db)
    payload = check_input(home["home"], "2025-02-01", "CP-X")
    payload["input"].update(change)
    refused = await graphql.as_actor(OFFICER).execute(RECORD_CHECK, payload)
    assert [e["field"] for e in refused.ok()[FIELD]["errors"]] == [field]
    data = (await graphql.as_actor(READER).execute(HOME, {"place": home["place"]})).ok()
    assert (data["gasElectricHome"]["gasChecks"], data["gasElectricHome"]["gasDueOn"]) == ([], None)
