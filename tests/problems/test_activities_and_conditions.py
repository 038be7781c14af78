"""Activities with timed tasks, and system conditions linked to what they held up."""

from __future__ import annotations

from problems.problem_steps import (
    LINK_CONDITION,
    RAISE_CONDITION,
    RECORD_ACTIVITY,
    REMOVE_ACTIVITY,
    UNLINK_CONDITION,
    UPDATE_CONDITION,
    add_demand,
    first_error,
    given_officer,
    given_person,
    ok_payload,
    open_case,
)

CONDITIONS = """query($f: SystemConditionFilter) { systemConditions(filter: $f) {
  nodes { description casesAffected minutesLost } } }"""
CASE_CONDITIONS = """query($id: ID!) { case(id: $id) {
  systemConditions { minutesLost condition { type { code } } } } }"""


async def test_an_activity_records_who_did_what_for_how_long(caseworker, synced):
    person = await given_person(caseworker, "Morgan")
    officer = await given_officer(synced, "Priya Officer", "priya@council.example")
    case = await open_case(caseworker, parties=[{"personId": person, "roleCode": "subject"}])
    demand = await add_demand(caseworker, case, 1, typeCode="debt", nature="VALUE")

    result = await caseworker.execute(
        RECORD_ACTIVITY,
        {
            "i": {
                "caseId": case["id"],
                "expectedVersion": 2,
                "officerId": officer,
                "demandId": demand["id"],
                "personIds": [person],
                "occurredAt": "2026-11-03T10:15:00+00:00",
                "notes": "Home visit",
                "tasks": [
                    {
                        "categoryCode": "visit",
                        "taskCode": "home_visit",
                        "minutes": 45,
                        "personId": person,
                    },
                    {"categoryCode": "referral", "taskCode": "debt_advice_referral", "minutes": 15},
                ],
            }
        },
    )
    activity = ok_payload(result, "recordActivity")["activity"]
    assert activity["totalMinutes"] == 60 and activity["case"]["version"] == 3
    assert activity["officer"]["displayName"] == "Priya Officer"
    assert activity["people"] == [{"forenames": "Morgan"}]
    assert [
        (t["category"]["code"], t["task"]["code"], t["minutes"]) for t in activity["tasks"]
    ] == [
        ("visit", "home_visit", 45),
        ("referral", "debt_advice_referral", 15),
    ]
    assert activity["demand"]["type"]["code"] == "debt"


async def test_bad_activities_are_refused(caseworker):
    case = await open_case(caseworker)

    async def attempt(**more):
        given = {
            "caseId": case["id"],
            "expectedVersion": 1,
            "tasks": [{"categoryCode": "contact", "minutes": 5}],
            **more,
        }
        return await caseworker.execute(RECORD_ACTIVITY, {"i": given})

    assert first_error(await attempt(tasks=[]), "recordActivity") == ("VALIDATION", "tasks")
    wrong_task = await attempt(tasks=[{"categoryCode": "contact", "taskCode": "home_visit"}])
    assert first_error(wrong_task, "recordActivity") == ("VALIDATION", "tasks.0.taskCode")
    negative = await attempt(tasks=[{"categoryCode": "contact", "minutes": -1}])
    assert first_error(negative, "recordActivity") == ("VALIDATION", "tasks.0.minutes")
    future = await attempt(occurredAt="2999-01-01T09:00:00+00:00")
    assert first_error(future, "recordActivity") == ("VALIDATION", "occurredAt")
    stale = await attempt(expectedVersion=7)
    assert first_error(stale, "recordActivity") == ("CONFLICT", "expectedVersion")


async def test_a_system_condition_is_linked_ranked_and_resolved(caseworker):
    first = await open_case(caseworker)
    second = await open_case(caseworker)
    demand = await add_demand(caseworker, first, 1, typeCode="benefits", nature="VALUE")
    activity = ok_payload(
        await caseworker.execute(
            RECORD_ACTIVITY,
            {
                "i": {
                    "caseId": first["id"],
                    "expectedVersion": 2,
                    "notes": "Chased the HB team",
                    "tasks": [{"categoryCode": "contact", "minutes": 20}],
                }
            },
        ),
        "recordActivity",
    )["activity"]

    raised = ok_payload(
        await caseworker.execute(
            RAISE_CONDITION,
            {
                "i": {
                    "typeCode": "awaiting_benefit_decision",
                    "description": "Housing benefit backlog",
                    "raisedOn": "2026-11-02",
                }
            },
        ),
        "raiseSystemCondition",
    )["systemCondition"]
    linked = ok_payload(
        await caseworker.execute(
            LINK_CONDITION,
            {
                "i": {
                    "id": raised["id"],
                    "expectedVersion": 1,
                    "caseId": first["id"],
                    "demandId": demand["id"],
                    "activityId": activity["id"],
                    "minutesLost": 20,
                }
            },
        ),
        "linkSystemCondition",
    )["systemCondition"]
    linked = ok_payload(
        await caseworker.execute(
            LINK_CONDITION,
            {
                "i": {
                    "id": raised["id"],
                    "expectedVersion": linked["version"],
                    "caseId": second["id"],
                    "minutesLost": 35,
                }
            },
        ),
        "linkSystemCondition",
    )["systemCondition"]
    assert linked["casesAffected"] == 2 and linked["minutesLost"] == 55
    assert linked["effects"][0]["demand"]["type"]["code"] == "benefits"
    assert linked["effects"][0]["activity"]["notes"] == "Chased the HB team"

    held_up = (await caseworker.execute(CASE_CONDITIONS, {"id": first["id"]})).ok()["case"]
    assert held_up["systemConditions"] == [
        {"minutesLost": 20, "condition": {"type": {"code": "awaiting_benefit_decision"}}}
    ]

    # a demand of another case, a stale version, a duplicate link: typed errors
    foreign = await caseworker.execute(
        LINK_CONDITION,
        {
            "i": {
                "id": raised["id"],
                "expectedVersion": linked["version"],
                "caseId": second["id"],
                "demandId": demand["id"],
            }
        },
    )
    assert first_error(foreign, "linkSystemCondition") == ("VALIDATION", "demandId")
    stale = await caseworker.execute(
        LINK_CONDITION, {"i": {"id": raised["id"], "expectedVersion": 1, "caseId": first["id"]}}
    )
    assert first_error(stale, "linkSystemCondition") == ("CONFLICT", "expectedVersion")
    again = await caseworker.execute(
        LINK_CONDITION,
        {"i": {"id": raised["id"], "expectedVersion": linked["version"], "caseId": second["id"]}},
    )
    assert first_error(again, "linkSystemCondition") == ("DUPLICATE", "caseId")

    # an activity a condition points at cannot be removed silently
    blocked = await caseworker.execute(
        REMOVE_ACTIVITY, {"i": {"id": activity["id"], "expectedVersion": 3}}
    )
    assert first_error(blocked, "removeActivity") == ("NOT_ALLOWED", "id")

    unlinked = ok_payload(
        await caseworker.execute(
            UNLINK_CONDITION,
            {"i": {"id": linked["effects"][1]["id"], "expectedVersion": linked["version"]}},
        ),
        "unlinkSystemCondition",
    )["systemCondition"]
    assert unlinked["casesAffected"] == 1

    resolved = ok_payload(
        await caseworker.execute(
            UPDATE_CONDITION,
            {"c": {"id": raised["id"], "expectedVersion": unlinked["version"]}, "on": "2026-11-06"},
        ),
        "updateSystemCondition",
    )["systemCondition"]
    assert resolved["resolvedOn"] == "2026-11-06"
    listed = (await caseworker.execute(CONDITIONS, {"f": {"resolved": True}})).ok()
    assert listed["systemConditions"]["nodes"] == [
        {"description": "Housing benefit backlog", "casesAffected": 1, "minutesLost": 20}
    ]
    open_ones = (await caseworker.execute(CONDITIONS, {"f": {"resolved": False}})).ok()
    assert open_ones["systemConditions"]["nodes"] == []


async def test_condition_types_come_from_the_module(caseworker):
    unknown = await caseworker.execute(
        RAISE_CONDITION, {"i": {"module": "dummy", "typeCode": "no_such_type"}}
    )
    assert first_error(unknown, "raiseSystemCondition") == ("VALIDATION", "typeCode")
    # the dummy module declares no condition types of its own, so it uses core's
    shared = await caseworker.execute(
        RAISE_CONDITION, {"i": {"module": "dummy", "typeCode": "no_access"}}
    )
    assert ok_payload(shared, "raiseSystemCondition")["systemCondition"]["module"] == "dummy"
