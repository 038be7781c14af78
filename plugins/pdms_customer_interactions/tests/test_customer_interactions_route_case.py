"""Cases opened by core's openCase, routed by the rules on request, and counted by the
"reassigned after routing" measure."""

from __future__ import annotations

from customer_interactions_support import HANDLER, RULE_MAKER, prepared
from pdms_core.testing.actors import staff

SAVE = """
mutation($rules: [CustomerInteractionsRuleInput!]!) {
  customerInteractionsSaveRules(expectedVersion: 0, rules: $rules) { errors { field } }
}
"""
OPEN = """
mutation($i: OpenCaseInput!) { openCase(input: $i) { case { id version } errors { code } } }
"""
ADD_DEMAND = """
mutation($i: AddDemandInput!) { addDemand(input: $i) { errors { code field message } } }
"""
VERSION = "query($id: ID!) { case(id: $id) { version } }"
ROUTE = """
mutation($case: ID!, $version: Int!) {
  customerInteractionsRouteCase(caseId: $case, expectedVersion: $version) {
    case { team { name } officer { displayName } }
    routing { ruleCode teamName officerName explanation }
    errors { code field message }
  }
}
"""
UPDATE = """
mutation($c: CaseVersionInput!, $i: UpdateCaseInput!) {
  updateCase(case: $c, input: $i) { errors { code } }
}
"""
MEASURE = 'query { measure(name: "customer_interactions.reassigned_after_routing") { rows } }'
MANAGER = staff("core.measures.read", name="Mandy Manager")


async def _core_case(graphql, g, *, channel: str | None = "phone") -> tuple[str, int]:
    opened = await graphql.as_actor(HANDLER).execute(
        OPEN,
        {
            "i": {
                "module": "core",
                "summary": "Opened at the front desk",
                "parties": [{"personId": g["person"], "roleCode": "subject"}],
                "placeIds": [g["place"]],
            }
        },
    )
    case = opened.ok()["openCase"]["case"]
    demand = {"typeCode": "repairs", "nature": "VALUE", "channelCode": channel}
    added = await graphql.as_actor(HANDLER).execute(
        ADD_DEMAND,
        {"i": {"caseId": case["id"], "expectedVersion": case["version"], "demand": demand}},
    )
    assert added.ok()["addDemand"]["errors"] == []
    version = await graphql.as_actor(HANDLER).execute(VERSION, {"id": case["id"]})
    return case["id"], version.ok()["case"]["version"]


async def _route(graphql, case_id: str, version: int, actor=HANDLER) -> dict:
    done = await graphql.as_actor(actor).execute(ROUTE, {"case": case_id, "version": version})
    return done.ok()["customerInteractionsRouteCase"]


async def test_a_case_opened_by_open_case_is_routed_and_counted(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    rules = [
        {
            "code": "phone_repairs",
            "targetKind": "TEAM",
            "teamId": g["housing"],
            "demandTypeCodes": ["repairs"],
            "channelCodes": ["phone"],
            "wardCodes": ["E05000001"],
        },
        {"code": "everything_else", "targetKind": "TEAM", "teamId": g["street"]},
    ]
    saved = await graphql.as_actor(RULE_MAKER).execute(SAVE, {"rules": rules})
    assert saved.ok()["customerInteractionsSaveRules"]["errors"] == []

    # a phoned-in repair at a place in the ward goes to housing, by its demand and place
    case_id, version = await _core_case(graphql, g)
    routed = await _route(graphql, case_id, version)
    assert routed["errors"] == []
    assert routed["case"] == {
        "team": {"name": "Housing options"},
        "officer": {"displayName": "Hal Housing"},
    }
    assert routed["routing"]["ruleCode"] == "phone_repairs"
    assert routed["routing"]["explanation"].startswith("phone_repairs: matched")
    # an emailed one does not meet the channel condition and falls through
    emailed_id, emailed_version = await _core_case(graphql, g, channel="email")
    emailed = await _route(graphql, emailed_id, emailed_version)
    assert emailed["routing"]["ruleCode"] == "everything_else"
    assert emailed["case"]["team"] == {"name": "Street scene"}
    assert "the channel is email, the rule wants phone" in emailed["routing"]["explanation"]

    # when an officer moves the first case elsewhere, the measure counts it as reassigned
    current = await graphql.as_actor(HANDLER).execute(VERSION, {"id": case_id})
    moved = await graphql.as_actor(HANDLER).execute(
        UPDATE,
        {
            "c": {"id": case_id, "expectedVersion": current.ok()["case"]["version"]},
            "i": {"teamId": g["street"], "officerId": g["sid"]},
        },
    )
    assert moved.ok()["updateCase"]["errors"] == []
    rows = (await graphql.as_actor(MANAGER).execute(MEASURE)).ok()["measure"]["rows"]
    assert sorted(rows) == [
        ["everything_else", "1", "0", "0.0"],
        ["phone_repairs", "1", "1", "1.0"],
    ]


async def test_routing_refuses_a_stale_version_and_needs_case_write(graphql, pdms_db, pdms_host):
    from customer_interactions_support import RECORDER

    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    rules = [{"code": "everything", "targetKind": "TEAM", "teamId": g["street"]}]
    await graphql.as_actor(RULE_MAKER).execute(SAVE, {"rules": rules})
    case_id, version = await _core_case(graphql, g)
    stale = await _route(graphql, case_id, version - 1)
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    denied = await _route(graphql, case_id, version, actor=RECORDER)
    assert [e["code"] for e in denied["errors"]] == ["PERMISSION_DENIED"]
    # nothing was routed: no decision stored
    rows = (await graphql.as_actor(MANAGER).execute(MEASURE)).ok()["measure"]["rows"]
    assert rows == []


async def test_a_case_no_rule_routes_is_left_as_it_was(graphql, pdms_db, pdms_host):
    ids = await prepared(pdms_db, pdms_host)
    g = ids["gid"]
    rules = [
        {
            "code": "rent_only",
            "targetKind": "TEAM",
            "teamId": g["street"],
            "demandTypeCodes": ["rent"],
        }
    ]
    await graphql.as_actor(RULE_MAKER).execute(SAVE, {"rules": rules})
    case_id, version = await _core_case(graphql, g)
    refused = await _route(graphql, case_id, version)
    assert refused["case"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "caseId")]
