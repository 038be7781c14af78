"""The issue's scenario, through GraphQL: a rent call whose root causes are debt and
bereavement, worked and held up, and the strategic measures reporting exactly that."""

from __future__ import annotations

from pdms_core.testing.actors import staff
from problems.problem_steps import (
    ADD_INTENTION,
    INTENTIONS,
    LINK_CONDITION,
    RAISE_CONDITION,
    RECORD_ACTIVITY,
    RESOLVE_DEMAND,
    add_demand,
    given_person,
    given_place,
    given_team,
    ok_payload,
    open_case,
)

MEASURES = """query($f: MeasureFilterInput) {
  failureDemand(filter: $f) { overall { demands failureDemands valueDemands share } }
  rootCauses(filter: $f) {
    presentingType { code } presentingDemands causes { type { code } demands share } }
  systemConditionImpact(filter: $f) { type { code } occurrences casesAffected minutesLost }
  endToEndTimes(filter: $f) { type { code } demands p50 p95 }
  activityTime(filter: $f) { category { code } minutes tasks }
}"""
MANAGER = staff("core.measures.read", name="Service Manager")


async def test_a_rent_call_with_debt_and_bereavement_behind_it(caseworker, graphql, synced):
    # given a resident at a place, and the income team
    dana = await given_person(caseworker, "Dana")
    home = await given_place(synced, 100000099, postcode="ZZ1 1AA", ward="E05000001")
    team = await given_team(synced, "Income Team")

    # when a call about rent (failure demand) opens a case ...
    case = await open_case(
        caseworker,
        openedOn="2026-11-02",
        teamId=team,
        placeIds=[home],
        parties=[{"personId": dana, "roleCode": "subject"}],
    )
    rent = await add_demand(
        caseworker,
        case,
        1,
        typeCode="rent",
        nature="FAILURE",
        channelCode="phone",
        receivedOn="2026-11-02",
        whatMatters="Keeping the home",
    )
    # ... and the conversation finds debt and bereavement behind it
    debt = await add_demand(
        caseworker,
        case,
        2,
        typeCode="debt",
        nature="VALUE",
        receivedOn="2026-11-02",
        presenting_demand_id=rent["id"],
    )
    await add_demand(
        caseworker,
        case,
        3,
        typeCode="bereavement",
        nature="VALUE",
        receivedOn="2026-11-03",
        presenting_demand_id=rent["id"],
    )
    # the work: an assessment call, then two referrals
    version = 4
    for occurred_at, tasks in (
        (
            "2026-11-03T10:00:00+00:00",
            [("contact", "phone_call", 20), ("assessment", "income_expenditure", 40)],
        ),
        (
            "2026-11-05T14:00:00+00:00",
            [("referral", "debt_advice_referral", 15), ("referral", "bereavement_support", 10)],
        ),
    ):
        activity = ok_payload(
            await caseworker.execute(
                RECORD_ACTIVITY,
                {
                    "i": {
                        "caseId": case["id"],
                        "expectedVersion": version,
                        "occurredAt": occurred_at,
                        "personIds": [dana],
                        "tasks": [
                            {"categoryCode": c, "taskCode": t, "minutes": m} for c, t, m in tasks
                        ],
                    }
                },
            ),
            "recordActivity",
        )["activity"]
        version = activity["case"]["version"]
    # a follow-up that was due on 10 November and never done
    ok_payload(
        await caseworker.execute(
            ADD_INTENTION,
            {
                "i": {
                    "caseId": case["id"],
                    "typeCode": "call_back",
                    "intention": {
                        "description": "Check the benefit claim",
                        "dueOn": "2026-11-10",
                        "teamId": team,
                    },
                }
            },
        ),
        "addIntention",
    )
    # what held the work up
    condition = ok_payload(
        await caseworker.execute(
            RAISE_CONDITION,
            {
                "i": {
                    "typeCode": "awaiting_benefit_decision",
                    "raisedOn": "2026-11-04",
                    "description": "Housing benefit claim not yet assessed",
                }
            },
        ),
        "raiseSystemCondition",
    )["systemCondition"]
    ok_payload(
        await caseworker.execute(
            LINK_CONDITION,
            {
                "i": {
                    "id": condition["id"],
                    "expectedVersion": 1,
                    "caseId": case["id"],
                    "demandId": rent["id"],
                    "minutesLost": 45,
                }
            },
        ),
        "linkSystemCondition",
    )
    # the debt is sorted after a week, the rent after two
    ok_payload(
        await caseworker.execute(
            RESOLVE_DEMAND,
            {"d": {"id": debt["id"], "expectedVersion": version}, "on": "2026-11-09"},
        ),
        "resolveDemand",
    )
    ok_payload(
        await caseworker.execute(
            RESOLVE_DEMAND,
            {"d": {"id": rent["id"], "expectedVersion": version + 1}, "on": "2026-11-16"},
        ),
        "resolveDemand",
    )

    # then the follow-up shows as overdue
    overdue = (await caseworker.execute(INTENTIONS, {"f": {"due": "OVERDUE"}})).ok()
    assert [n["description"] for n in overdue["intentions"]["nodes"]] == ["Check the benefit claim"]

    # and the measures report exactly these figures
    window = {
        "modules": ["core"],
        "from": "2026-11-01",
        "to": "2026-11-30",
        "postcodeAreas": ["ZZ1"],
    }
    figures = (await graphql.as_actor(MANAGER).execute(MEASURES, {"f": window})).ok()
    assert figures["failureDemand"]["overall"] == {
        "demands": 1,
        "failureDemands": 1,
        "valueDemands": 0,
        "share": 1.0,
    }
    assert figures["rootCauses"] == [
        {
            "presentingType": {"code": "rent"},
            "presentingDemands": 1,
            "causes": [
                {"type": {"code": "bereavement"}, "demands": 1, "share": 1.0},
                {"type": {"code": "debt"}, "demands": 1, "share": 1.0},
            ],
        }
    ]
    assert figures["systemConditionImpact"] == [
        {
            "type": {"code": "awaiting_benefit_decision"},
            "occurrences": 1,
            "casesAffected": 1,
            "minutesLost": 45,
        }
    ]
    assert sorted(figures["endToEndTimes"], key=lambda e: e["type"]["code"]) == [
        {"type": {"code": "debt"}, "demands": 1, "p50": 7, "p95": 7},
        {"type": {"code": "rent"}, "demands": 1, "p50": 14, "p95": 14},
    ]
    assert sorted(
        (a["category"]["code"], a["minutes"], a["tasks"]) for a in figures["activityTime"]
    ) == [("assessment", 40, 1), ("contact", 20, 1), ("referral", 25, 2)]

    # and a different postcode area sees none of it
    elsewhere = {**window, "postcodeAreas": ["ZZ2"]}
    empty = (await graphql.as_actor(MANAGER).execute(MEASURES, {"f": elsewhere})).ok()
    assert empty["failureDemand"]["overall"]["demands"] == 0
    assert empty["rootCauses"] == [] and empty["activityTime"] == []
