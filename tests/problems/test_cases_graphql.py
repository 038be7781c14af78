"""Cases through GraphQL: opening, references, parties, places, links, status, locking."""

from __future__ import annotations

import re

from pdms_core.testing.actors import staff
from problems.problem_steps import (
    ADD_PARTY,
    ADD_PLACE,
    CASE,
    CHANGE_STATUS,
    LINK_CASES,
    OPEN_CASE,
    REMOVE_PARTY,
    UNLINK_CASES,
    UPDATE_CASE,
    first_error,
    given_officer,
    given_person,
    given_place,
    given_team,
    ok_payload,
    open_case,
)

CASES = """query($f: CaseFilter, $first: Int, $after: String) {
  cases(filter: $f, first: $first, after: $after) {
    nodes { reference } pageInfo { hasNextPage endCursor } } }"""
BY_REFERENCE = "query($r: String!) { caseByReference(reference: $r) { reference module } }"
SET_PREFIX = """mutation($m: String!, $p: String!) {
  setCaseReferencePrefix(module: $m, prefix: $p) {
  prefix { module prefix } errors { code field message } } }"""


async def test_a_generic_case_opens_with_a_reference_parties_places_and_owner(caseworker, synced):
    # given a person, a place, a team and an officer
    person = await given_person(caseworker, "Rowan")
    place = await given_place(synced, 100000001)
    team = await given_team(synced, "Tenancy Support")
    officer = await given_officer(synced, "Olu Officer", "olu@council.example")

    # when a generic case is opened
    case = await open_case(
        caseworker,
        summary="Struggling with rent after a bereavement",
        teamId=team,
        officerId=officer,
        openedOn="2026-11-02",
        parties=[{"personId": person, "roleCode": "subject"}],
        placeIds=[place],
    )

    # then it has a CASE reference, the first open status and everything linked
    assert re.fullmatch(r"CASE-\d{6}", case["reference"])
    assert case["module"] == "core" and case["status"]["code"] == "open"
    assert case["isClosed"] is False and case["openedOn"] == "2026-11-02"
    assert case["team"]["name"] == "Tenancy Support"
    assert case["officer"]["displayName"] == "Olu Officer"
    assert [(p["role"]["code"], p["person"]["forenames"]) for p in case["parties"]] == [
        ("subject", "Rowan")
    ]
    assert case["places"][0]["place"]["uprn"] == "100000001"


async def test_references_count_up_per_module_and_prefixes_are_configurable(caseworker):
    first = await open_case(caseworker)
    second = await open_case(caseworker)
    dummy = await open_case(caseworker, module="dummy")
    number = int(first["reference"].split("-")[1])
    assert second["reference"] == f"CASE-{number + 1:06d}"
    assert dummy["reference"] == "D-000001"

    changed = await caseworker.execute(SET_PREFIX, {"m": "dummy", "p": "wid"})
    assert ok_payload(changed, "setCaseReferencePrefix")["prefix"] == {
        "module": "dummy",
        "prefix": "WID",
    }
    assert (await open_case(caseworker, module="dummy"))["reference"] == "WID-000002"

    taken = await caseworker.execute(SET_PREFIX, {"m": "dummy", "p": "CASE"})
    assert first_error(taken, "setCaseReferencePrefix") == ("DUPLICATE", "prefix")
    bad = await caseworker.execute(SET_PREFIX, {"m": "dummy", "p": "9-x"})
    assert first_error(bad, "setCaseReferencePrefix") == ("VALIDATION", "prefix")

    found = await caseworker.execute(BY_REFERENCE, {"r": "wid-000002"})
    assert found.ok()["caseByReference"] == {"reference": "WID-000002", "module": "dummy"}


async def test_opening_refuses_bad_input_and_stores_nothing(caseworker, synced):
    person = await given_person(caseworker, "Sky")
    other_module_team = await given_team(synced, "Widget Team", module="dummy")
    gone = await given_officer(synced, "Former Officer", "former@council.example", active=False)
    cases = [
        ({"module": "no_such_module"}, ("VALIDATION", "module")),
        ({"statusCode": "reported"}, ("VALIDATION", "statusCode")),  # dummy's, not core's
        ({"statusCode": "resolved"}, ("VALIDATION", "statusCode")),  # a closed status
        ({"teamId": other_module_team}, ("VALIDATION", "teamId")),
        ({"officerId": gone}, ("VALIDATION", "officerId")),
        ({"openedOn": "2999-01-01"}, ("VALIDATION", "openedOn")),
        ({"parties": [{"personId": person, "roleCode": "landlord"}]}, ("VALIDATION", "roleCode")),
        ({"placeIds": ["UGxhY2U6OTk5OTk="]}, ("VALIDATION", "placeId")),
    ]
    for given, expected in cases:
        result = await caseworker.execute(OPEN_CASE, {"i": given})
        assert first_error(result, "openCase") == expected, given

    listed = await caseworker.execute(CASES, {})
    assert listed.ok()["cases"]["nodes"] == []


async def test_parties_places_and_links_change_under_the_case_version(caseworker, synced):
    case = await open_case(caseworker)
    other = await open_case(caseworker)
    person = await given_person(caseworker, "Jules")
    place = await given_place(synced, 100000002)

    added = ok_payload(
        await caseworker.execute(
            ADD_PARTY,
            {
                "i": {
                    "caseId": case["id"],
                    "expectedVersion": 1,
                    "personId": person,
                    "roleCode": "reporter",
                }
            },
        ),
        "addCaseParty",
    )["case"]
    assert added["version"] == 2 and added["parties"][0]["role"]["code"] == "reporter"

    again = await caseworker.execute(
        ADD_PARTY,
        {
            "i": {
                "caseId": case["id"],
                "expectedVersion": 2,
                "personId": person,
                "roleCode": "reporter",
            }
        },
    )
    assert first_error(again, "addCaseParty") == ("DUPLICATE", "personId")

    stale = await caseworker.execute(
        ADD_PLACE, {"i": {"caseId": case["id"], "expectedVersion": 1, "placeId": place}}
    )
    assert first_error(stale, "addCasePlace") == ("CONFLICT", "expectedVersion")

    linked = ok_payload(
        await caseworker.execute(
            LINK_CASES,
            {
                "i": {
                    "caseId": case["id"],
                    "expectedVersion": 2,
                    "relatedCaseId": other["id"],
                    "note": "Same household",
                }
            },
        ),
        "linkCases",
    )["case"]
    assert linked["links"][0]["case"]["reference"] == other["reference"]

    # the link reads from the other side too
    seen = (await caseworker.execute(CASE, {"id": other["id"]})).ok()["case"]
    assert seen["links"][0]["case"]["reference"] == case["reference"]
    assert seen["links"][0]["note"] == "Same household"

    self_link = await caseworker.execute(
        LINK_CASES, {"i": {"caseId": case["id"], "expectedVersion": 3, "relatedCaseId": case["id"]}}
    )
    assert first_error(self_link, "linkCases") == ("VALIDATION", "relatedCaseId")

    unlinked = ok_payload(
        await caseworker.execute(
            UNLINK_CASES, {"i": {"id": seen["links"][0]["id"], "expectedVersion": 3}}
        ),
        "unlinkCases",
    )["case"]
    assert unlinked["links"] == [] and unlinked["version"] == 4

    removed = ok_payload(
        await caseworker.execute(
            REMOVE_PARTY, {"i": {"id": added["parties"][0]["id"], "expectedVersion": 4}}
        ),
        "removeCaseParty",
    )["case"]
    assert removed["parties"] == []


async def test_update_and_close_and_reopen(caseworker, synced):
    case = await open_case(caseworker, summary="First words")
    team = await given_team(synced, "Housing Options")

    updated = ok_payload(
        await caseworker.execute(
            UPDATE_CASE,
            {
                "c": {"id": case["id"], "expectedVersion": 1},
                "i": {"summary": "Clearer words", "teamId": team},
            },
        ),
        "updateCase",
    )["case"]
    assert updated["summary"] == "Clearer words" and updated["team"]["name"] == "Housing Options"

    stale = await caseworker.execute(
        UPDATE_CASE, {"c": {"id": case["id"], "expectedVersion": 1}, "i": {"summary": "Lost"}}
    )
    assert first_error(stale, "updateCase") == ("CONFLICT", "expectedVersion")

    closed = ok_payload(
        await caseworker.execute(
            CHANGE_STATUS,
            {
                "i": {
                    "id": case["id"],
                    "expectedVersion": 2,
                    "statusCode": "withdrawn",
                    "onDate": case["openedOn"],
                }
            },
        ),
        "changeCaseStatus",
    )["case"]
    assert closed["isClosed"] is True and closed["closedOn"] == case["openedOn"]

    reopened = ok_payload(
        await caseworker.execute(
            CHANGE_STATUS,
            {"i": {"id": case["id"], "expectedVersion": 3, "statusCode": "in_progress"}},
        ),
        "changeCaseStatus",
    )["case"]
    assert reopened["isClosed"] is False and reopened["status"]["code"] == "in_progress"

    unknown = await caseworker.execute(
        CHANGE_STATUS, {"i": {"id": case["id"], "expectedVersion": 4, "statusCode": "fixed"}}
    )
    assert first_error(unknown, "changeCaseStatus") == ("VALIDATION", "statusCode")


async def test_cases_list_filters_and_pages_newest_first(caseworker, synced):
    person = await given_person(caseworker, "Avery")
    mine = [
        await open_case(caseworker, parties=[{"personId": person, "roleCode": "subject"}])
        for _ in range(3)
    ]
    await open_case(caseworker, module="dummy")

    page = (await caseworker.execute(CASES, {"f": {"personId": person}, "first": 2})).ok()["cases"]
    assert [n["reference"] for n in page["nodes"]] == [mine[2]["reference"], mine[1]["reference"]]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (
        await caseworker.execute(
            CASES, {"f": {"personId": person}, "first": 2, "after": page["pageInfo"]["endCursor"]}
        )
    ).ok()["cases"]
    assert [n["reference"] for n in rest["nodes"]] == [mine[0]["reference"]]

    dummy = (await caseworker.execute(CASES, {"f": {"module": "dummy"}})).ok()["cases"]
    assert len(dummy["nodes"]) == 1


async def test_cases_need_the_cases_permissions(graphql, synced, caseworker):
    case = await open_case(caseworker)
    reader = graphql.as_actor(staff("core.people.read"))
    denied = await reader.execute(CASE, {"id": case["id"]})
    assert denied.error_codes() == ["PERMISSION_DENIED"] and denied.data == {"case": None}
    write = await graphql.as_actor(staff("core.cases.read")).execute(OPEN_CASE, {"i": {}})
    assert write.error_codes() == ["PERMISSION_DENIED"]
    anonymous = await graphql.as_actor(None).execute(CASE, {"id": case["id"]})
    assert anonymous.data == {"case": None} and anonymous.error_codes() == ["UNAUTHENTICATED"]
