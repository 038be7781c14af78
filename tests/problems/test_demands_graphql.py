"""Demands through GraphQL: presenting and underlying demands, root-cause links, rules."""

from __future__ import annotations

from problems.problem_steps import (
    ADD_DEMAND,
    CASE,
    LINK_CAUSE,
    RESOLVE_DEMAND,
    UNLINK_CAUSE,
    UPDATE_DEMAND,
    add_demand,
    first_error,
    ok_payload,
    open_case,
)

ROOT_CAUSES = """query($id: ID!) { case(id: $id) {
  demands(presenting: true) { type { code } underlyingDemands { type { code } } }
  underlying: demands(presenting: false) { type { code } presentingDemands { type { code } } }
} }"""


async def test_a_presenting_demand_with_its_root_causes(caseworker):
    case = await open_case(caseworker, openedOn="2026-11-02")
    rent = await add_demand(
        caseworker,
        case,
        1,
        typeCode="rent",
        categoryCode="payment_difficulty",
        nature="FAILURE",
        channelCode="phone",
        strategicObjectiveCode="financial_resilience",
        description="Calling again about the rent letter",
        whatMatters="Keeping the home",
        receivedOn="2026-11-02",
    )
    assert rent["isPresenting"] is True and rent["nature"] == "FAILURE"
    assert rent["category"]["code"] == "payment_difficulty"
    assert rent["channel"]["code"] == "phone" and rent["case"]["version"] == 2

    debt = await add_demand(
        caseworker, case, 2, typeCode="debt", nature="VALUE", presenting_demand_id=rent["id"]
    )
    assert debt["isPresenting"] is False
    assert debt["presentingDemands"] == [{"type": {"code": "rent"}}]
    grief = await add_demand(
        caseworker, case, 3, typeCode="bereavement", nature="VALUE", isPresenting=False
    )
    linked = ok_payload(
        await caseworker.execute(
            LINK_CAUSE,
            {
                "i": {
                    "presentingDemandId": rent["id"],
                    "underlyingDemandId": grief["id"],
                    "expectedVersion": 4,
                }
            },
        ),
        "linkUnderlyingDemand",
    )["demand"]
    assert [d["type"]["code"] for d in linked["underlyingDemands"]] == ["debt", "bereavement"]

    graph = (await caseworker.execute(ROOT_CAUSES, {"id": case["id"]})).ok()["case"]
    assert graph["demands"] == [
        {
            "type": {"code": "rent"},
            "underlyingDemands": [{"type": {"code": "debt"}}, {"type": {"code": "bereavement"}}],
        }
    ]
    assert {d["type"]["code"] for d in graph["underlying"]} == {"debt", "bereavement"}

    unlinked = ok_payload(
        await caseworker.execute(
            UNLINK_CAUSE,
            {
                "i": {
                    "presentingDemandId": rent["id"],
                    "underlyingDemandId": grief["id"],
                    "expectedVersion": 5,
                }
            },
        ),
        "unlinkUnderlyingDemand",
    )["demand"]
    assert [d["type"]["code"] for d in unlinked["underlyingDemands"]] == ["debt"]


async def test_bad_demands_get_typed_errors_and_change_nothing(caseworker):
    case = await open_case(caseworker)
    dummy_case = await open_case(caseworker, module="dummy")
    rent = await add_demand(caseworker, case, 1, typeCode="rent", nature="VALUE")

    def attempt(target, version, **demand):
        return caseworker.execute(
            ADD_DEMAND,
            {"i": {"caseId": target["id"], "expectedVersion": version, "demand": demand}},
        )

    # a demand type from another module's list
    wrong_module = await attempt(dummy_case, 1, typeCode="rent", nature="VALUE")
    assert first_error(wrong_module, "addDemand") == ("VALIDATION", "typeCode")
    widget = await attempt(case, 2, typeCode="widget_fault", nature="VALUE")
    assert first_error(widget, "addDemand") == ("VALIDATION", "typeCode")
    # a category of another type, an unknown channel, a stale version, a date before opening
    category = await attempt(
        case, 2, typeCode="debt", categoryCode="payment_difficulty", nature="VALUE"
    )
    assert first_error(category, "addDemand") == ("VALIDATION", "categoryCode")
    channel = await attempt(case, 2, typeCode="debt", nature="VALUE", channelCode="pigeon")
    assert first_error(channel, "addDemand") == ("VALIDATION", "channelCode")
    stale = await attempt(case, 1, typeCode="debt", nature="VALUE")
    assert first_error(stale, "addDemand") == ("CONFLICT", "expectedVersion")
    early = await attempt(case, 2, typeCode="debt", nature="VALUE", receivedOn="2000-01-01")
    assert first_error(early, "addDemand") == ("VALIDATION", "receivedOn")
    missing = await attempt(case, 2, typeCode="debt")
    assert first_error(missing, "addDemand")[0] == "VALIDATION"
    # the dummy module's own list works for its cases
    fault = await attempt(dummy_case, 1, typeCode="widget_fault", nature="FAILURE")
    assert ok_payload(fault, "addDemand")["demand"]["type"]["code"] == "widget_fault"

    # linking needs a presenting and an underlying demand of the same case
    other = await add_demand(caseworker, case, 2, typeCode="debt", nature="VALUE")
    both_presenting = await caseworker.execute(
        LINK_CAUSE,
        {
            "i": {
                "presentingDemandId": rent["id"],
                "underlyingDemandId": other["id"],
                "expectedVersion": 3,
            }
        },
    )
    assert first_error(both_presenting, "linkUnderlyingDemand") == (
        "VALIDATION",
        "underlyingDemandId",
    )

    unchanged = (await caseworker.execute(CASE, {"id": case["id"]})).ok()["case"]
    assert unchanged["version"] == 3


async def test_update_resolve_and_reopen_a_demand(caseworker):
    case = await open_case(caseworker, openedOn="2026-11-02")
    demand = await add_demand(
        caseworker, case, 1, typeCode="rent", nature="VALUE", receivedOn="2026-11-03"
    )
    changed = ok_payload(
        await caseworker.execute(
            UPDATE_DEMAND,
            {
                "d": {"id": demand["id"], "expectedVersion": 2},
                "i": {"nature": "FAILURE", "whatMatters": "Not being evicted"},
            },
        ),
        "updateDemand",
    )["demand"]
    assert changed["nature"] == "FAILURE" and changed["whatMatters"] == "Not being evicted"
    assert changed["type"]["code"] == "rent"

    early = await caseworker.execute(
        RESOLVE_DEMAND, {"d": {"id": demand["id"], "expectedVersion": 3}, "on": "2026-11-02"}
    )
    assert first_error(early, "resolveDemand") == ("VALIDATION", "resolvedOn")
    resolved = ok_payload(
        await caseworker.execute(
            RESOLVE_DEMAND, {"d": {"id": demand["id"], "expectedVersion": 3}, "on": "2026-11-10"}
        ),
        "resolveDemand",
    )["demand"]
    assert resolved["resolvedOn"] == "2026-11-10" and resolved["serviceState"] == "NO_STANDARD"
    reopened = ok_payload(
        await caseworker.execute(
            RESOLVE_DEMAND, {"d": {"id": demand["id"], "expectedVersion": 4}, "on": None}
        ),
        "resolveDemand",
    )["demand"]
    assert reopened["resolvedOn"] is None
