"""The assignment engine through the API: precedence, fallback, least open work, round
robin, explanations, the dry run, versions, and bad rules refused whole."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from customer_interactions_support import HANDLER, RECORD, RULE_MAKER, contact, prepared

SAVE = """
mutation($expected: Int!, $rules: [CustomerInteractionsRuleInput!]!) {
  customerInteractionsSaveRules(expectedVersion: $expected, rules: $rules, note: "test") {
    ruleBook { version rules { code targetKind fromTime toTime } }
    errors { code field message }
  }
}
"""
BOOK = "{ customerInteractionsRuleBook { version rules { code } } }"
DRY_RUN = """
query($rules: [CustomerInteractionsRuleInput!]!, $last: Int!) {
  customerInteractionsDryRunRules(rules: $rules, last: $last) {
    cases { changed before { ruleCode teamName } after { ruleCode teamName explanation } }
    errors { code field message }
  }
}
"""


def rule(code: str, kind: str = "TEAM", **more: Any) -> dict[str, Any]:
    return {"code": code, "targetKind": kind, **more}


async def save(graphql, rules: list[dict[str, Any]], expected: int = 0) -> dict[str, Any]:
    done = await graphql.as_actor(RULE_MAKER).execute(SAVE, {"expected": expected, "rules": rules})
    return done.ok()["customerInteractionsSaveRules"]


async def open_case(graphql, **overrides: Any) -> dict[str, Any]:
    given = contact(outcomeCode="case_opened", openCase={"summary": "From a call"}, **overrides)
    done = await graphql.as_actor(HANDLER).execute(RECORD, {"input": given})
    payload = done.ok()["customerInteractionsRecord"]
    assert payload["errors"] == []
    return payload


async def test_precedence_first_matching_rule_decides_and_says_why(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    saved = await save(
        graphql,
        [
            rule("repairs_only", teamId=g["housing"], demandTypeCodes=["repairs"]),
            rule("vulnerable", teamId=g["housing"], personFlagCodes=["vulnerability_register"]),
            rule("everything_else", teamId=g["street"]),
        ],
    )
    assert saved["errors"] == [] and saved["ruleBook"]["version"] == 1
    # a vulnerable caller about council tax goes to housing by the second rule
    payload = await open_case(graphql, personId=g["person"], placeId=g["place"])
    routing = payload["routing"]
    assert routing["ruleCode"] == "vulnerable" and routing["ruleBookVersion"] == 1
    assert routing["teamName"] == "Housing options" and routing["officerName"] == "Hal Housing"
    assert payload["case"]["team"] == {"name": "Housing options"}
    assert payload["case"]["officer"] == {"displayName": "Hal Housing"}
    assert payload["case"]["demands"] == [{"type": {"code": "council_tax"}, "nature": "VALUE"}]
    assert [(s["rule"], s["outcome"]) for s in routing["steps"]] == [
        ("repairs_only", "skipped"),
        ("vulnerable", "matched"),
        ("everything_else", "not_reached"),
    ]
    assert routing["explanation"] == (
        "repairs_only: skipped: the demand type is council_tax, the rule wants repairs\n"
        "vulnerable: matched: every condition holds; routed to Housing options, Hal Housing "
        "with the least open work (0 open cases)\n"
        "everything_else: not_reached: rule vulnerable decided first"
    )
    # another caller, not flagged, falls through to the catch-all
    other = await open_case(graphql, personId=g["other_person"])
    assert other["routing"]["ruleCode"] == "everything_else"


async def test_least_open_work_then_round_robin(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    await save(graphql, [rule("street", teamId=g["street"], choose="LEAST_OPEN_WORK")])
    first = await open_case(graphql)
    second = await open_case(graphql)
    third = await open_case(graphql)
    # least open work alternates as each new case adds to an officer's load
    assert [p["routing"]["officerName"] for p in (first, second, third)] == [
        "Sid Street",
        "Sue Street",
        "Sid Street",
    ]
    await save(graphql, [rule("street", teamId=g["street"], choose="ROUND_ROBIN")], expected=1)
    turns = [(await open_case(graphql))["routing"]["officerName"] for _ in range(3)]
    assert turns == ["Sid Street", "Sue Street", "Sid Street"]
    assert "next in the round robin" in (await open_case(graphql))["routing"]["explanation"]


async def test_fallback_when_no_team_already_works_with_the_person(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    await save(
        graphql,
        [
            rule("same_team", "CURRENT_TEAM", fallbackRuleCode="housing"),
            rule("housing", teamId=g["housing"], demandTypeCodes=["repairs"]),
        ],
    )
    # no open case yet: the fallback's target takes it (its conditions are not asked)
    first = await open_case(graphql, personId=g["person"])
    assert first["routing"]["ruleCode"] == "same_team"
    assert first["routing"]["teamName"] == "Housing options"
    assert (
        "fallback housing after same_team: no active team is already working"
        in (first["routing"]["explanation"])
    )
    # now housing owns an open case of theirs: the current team takes the next one directly
    second = await open_case(graphql, personId=g["person"])
    assert second["routing"]["explanation"].startswith(
        "same_team: matched: every condition holds; routed to Housing options"
    )
    assert "fallback" not in second["routing"]["explanation"]


async def test_no_rules_route_nothing_and_a_given_team_wins(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    given = contact(outcomeCode="case_opened", openCase={"teamId": ids["gid"]["street"]})
    done = await graphql.as_actor(HANDLER).execute(RECORD, {"input": given})
    payload = done.ok()["customerInteractionsRecord"]
    assert payload["routing"] is None and payload["case"]["team"] == {"name": "Street scene"}
    unrouted = await open_case(graphql)
    assert unrouted["routing"]["ruleCode"] is None and unrouted["case"]["team"] is None


async def test_the_dry_run_shows_what_a_change_would_do(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    await save(graphql, [rule("all_street", teamId=g["street"])])
    await open_case(graphql, channelCode="email")
    await open_case(graphql, channelCode="phone")
    proposed = [
        rule("phones_to_housing", teamId=g["housing"], channelCodes=["phone"]),
        rule("all_street", teamId=g["street"]),
    ]
    done = await graphql.as_actor(RULE_MAKER).execute(DRY_RUN, {"rules": proposed, "last": 10})
    cases = done.ok()["customerInteractionsDryRunRules"]["cases"]
    assert [(c["changed"], c["before"]["teamName"], c["after"]["teamName"]) for c in cases] == [
        (True, "Street scene", "Housing options"),
        (False, "Street scene", "Street scene"),
    ]
    # nothing was saved
    book = await graphql.as_actor(RULE_MAKER).execute(BOOK)
    assert book.ok()["customerInteractionsRuleBook"] == {
        "version": 1,
        "rules": [{"code": "all_street"}],
    }


async def test_a_stale_version_is_a_conflict(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    await save(graphql, [rule("a", teamId=ids["gid"]["street"])])
    stale = await save(graphql, [rule("b", teamId=ids["gid"]["street"])], expected=0)
    assert [(e["code"], e["field"]) for e in stale["errors"]] == [("CONFLICT", "expectedVersion")]


@pytest.mark.parametrize(
    ("rules", "fields"),
    [
        ([rule("x", teamId="VGVhbTo5OTk5OQ==")], ["rules.0.target.teamId"]),  # Team:99999
        (
            [
                rule(
                    "x",
                    teamId="STREET",
                    demandTypeCodes=["rent"],
                    demandCategoryCodes=["priority_debt"],
                )
            ],
            ["rules.0.conditions.demandCategoryCodes"],
        ),
        (
            [rule("x", teamId="STREET", fromTime="09:00", toTime="09:00")],
            ["rules.0.conditions.toTime"],
        ),
        (
            [
                rule("a", teamId="STREET", fallbackRuleCode="b"),
                rule("b", teamId="STREET", fallbackRuleCode="c"),
                rule("c", teamId="STREET", fallbackRuleCode="a"),
            ],
            ["rules.0.fallbackRuleCode"],
        ),
        (
            [rule("x", "TEAM"), rule("x", teamId="STREET", channelCodes=["fax"])],
            ["rules.1.code", "rules.0.target.teamId", "rules.1.conditions.channelCodes"],
        ),
    ],
)
async def test_bad_rules_are_refused_with_field_errors_and_nothing_saved(
    graphql, pdms_db, pdms_host, rules, fields
):
    ids = await prepared(pdms_db, pdms_host)
    rules = copy.deepcopy(rules)
    for r in rules:
        if r.get("teamId") == "STREET":
            r["teamId"] = ids["gid"]["street"]
    refused = await save(graphql, rules)
    assert refused["ruleBook"] is None
    assert [e["field"] for e in refused["errors"]] == fields
    assert all(e["code"] == "VALIDATION" for e in refused["errors"])
    book = await graphql.as_actor(RULE_MAKER).execute(BOOK)
    assert book.ok()["customerInteractionsRuleBook"] is None


async def test_a_night_window_wraps_midnight_in_uk_time(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    await save(
        graphql,
        [
            rule("night", teamId=g["housing"], fromTime="22:00", toTime="06:00"),
            rule("day", teamId=g["street"], choose="TEAM_ONLY"),
        ],
    )
    # 23:30 GMT in December is 23:30 in London: inside the window
    late = await open_case(graphql, startedAt="2026-12-01T23:30:00+00:00")
    assert late["routing"]["ruleCode"] == "night"
    # 12:15 is not; the day rule gives the case to the team without an officer
    noon = await open_case(graphql, startedAt="2026-12-01T12:15:00+00:00")
    assert noon["routing"]["explanation"].splitlines() == [
        "night: skipped: the time is 12:15, the rule wants 22:00-06:00",
        "day: matched: every condition holds; routed to Street scene (the team picks the officer)",
    ]
    assert noon["case"]["team"] == {"name": "Street scene"} and noon["case"]["officer"] is None


async def test_each_save_is_a_new_version_with_the_rules_digest(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    street = [rule("a", teamId=ids["gid"]["street"])]
    versions = "query($v: Int) { customerInteractionsRuleBook(version: $v) { version digest } }"
    await save(graphql, street)
    await save(graphql, [rule("a", teamId=ids["gid"]["housing"])], expected=1)
    await save(graphql, street, expected=2)
    books = [
        (await graphql.as_actor(RULE_MAKER).execute(versions, {"v": v})).ok()[
            "customerInteractionsRuleBook"
        ]
        for v in (1, 2, 3)
    ]
    assert [b["version"] for b in books] == [1, 2, 3]
    assert len(books[0]["digest"]) == 64
    assert books[0]["digest"] == books[2]["digest"] != books[1]["digest"]
