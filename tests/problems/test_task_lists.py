"""Standard task lists: a presenting demand of a kind brings its follow-ups with it."""

from __future__ import annotations

from pdms_core.testing.actors import staff
from problems.problem_steps import (
    add_demand,
    first_error,
    given_officer,
    given_team,
    ok_payload,
    open_case,
)

LIST_FIELDS = """id module version demandType { code } demandCategory { code }
  items { offsetDays description intentionType { code } team { name } }"""
SET_LIST = f"""mutation($i: SetTaskListInput!) {{ setTaskList(input: $i) {{
  taskList {{ {LIST_FIELDS} }} errors {{ code field message }} }} }}"""
REMOVE_LIST = """mutation($i: TaskListVersionInput!) { removeTaskList(input: $i) {
  taskList { id } errors { code field } } }"""
LISTS = f"query($m: String) {{ taskLists(module: $m) {{ {LIST_FIELDS} }} }}"
CASE_INTENTIONS = """query($id: ID!) { case(id: $id) { intentions {
  description dueOn status type { code } officer { displayName } team { name }
  demand { type { code } } } } }"""

RENT_LIST = [
    {"intentionTypeCode": "call_back", "offsetDays": 1, "description": "Ring the tenant"},
    {"intentionTypeCode": "visit", "offsetDays": 5, "description": "Home visit"},
    {"intentionTypeCode": "review", "offsetDays": 20},
]


async def _set(client, **given):
    return await client.execute(SET_LIST, {"i": given})


async def _intentions(client, case):
    return (await client.execute(CASE_INTENTIONS, {"id": case["id"]})).ok()["case"]["intentions"]


async def test_a_presenting_demand_brings_its_types_task_list(caseworker, synced):
    visits = await given_team(synced, "Visiting Officers")
    items = [*RENT_LIST[:1], {**RENT_LIST[1], "teamId": visits}, RENT_LIST[2]]
    saved = ok_payload(await _set(caseworker, demandTypeCode="rent", items=items), "setTaskList")
    assert saved["taskList"]["version"] == 1
    assert [(i["intentionType"]["code"], i["offsetDays"]) for i in saved["taskList"]["items"]] == [
        ("call_back", 1),
        ("visit", 5),
        ("review", 20),
    ]
    officer = await given_officer(synced, "Olive Owner", "olive@council.example")
    case = await open_case(caseworker, openedOn="2026-11-02", officerId=officer)
    # Friday 6 Nov: +1 is Monday 9th, +5 Friday 13th, +20 Friday 4 December
    await add_demand(caseworker, case, 1, typeCode="rent", nature="VALUE", receivedOn="2026-11-06")
    intentions = await _intentions(caseworker, case)
    assert sorted(
        (i["dueOn"], i["type"]["code"], i["description"], i["status"]) for i in intentions
    ) == [
        ("2026-11-09", "call_back", "Ring the tenant", "OPEN"),
        ("2026-11-13", "visit", "Home visit", "OPEN"),
        ("2026-12-04", "review", "", "OPEN"),
    ]
    by_type = {i["type"]["code"]: i for i in intentions}
    assert by_type["visit"]["team"] == {"name": "Visiting Officers"}
    assert by_type["visit"]["officer"] is None
    assert by_type["call_back"]["officer"] == {"displayName": "Olive Owner"}
    assert {i["demand"]["type"]["code"] for i in intentions} == {"rent"}

    # an underlying demand of the type, and other types, bring nothing
    other = await open_case(caseworker, openedOn="2026-11-02", officerId=officer)
    await add_demand(caseworker, other, 1, typeCode="repairs", nature="VALUE")
    assert await _intentions(caseworker, other) == []


async def test_a_categorys_own_list_wins_and_lists_are_versioned(caseworker, synced):
    ok_payload(await _set(caseworker, demandTypeCode="rent", items=RENT_LIST), "setTaskList")
    own = ok_payload(
        await _set(
            caseworker,
            demandTypeCode="rent",
            demandCategoryCode="payment_difficulty",
            items=[{"intentionTypeCode": "send_letter", "offsetDays": 0}],
        ),
        "setTaskList",
    )["taskList"]
    team = await given_team(synced, "Income Team")
    case = await open_case(caseworker, openedOn="2026-11-02", teamId=team)
    await add_demand(
        caseworker,
        case,
        1,
        typeCode="rent",
        categoryCode="payment_difficulty",
        nature="VALUE",
        receivedOn="2026-11-03",
    )
    assert [
        (i["type"]["code"], i["dueOn"], i["team"]) for i in await _intentions(caseworker, case)
    ] == [("send_letter", "2026-11-03", {"name": "Income Team"})]

    replace = {"demandTypeCode": "rent", "demandCategoryCode": "payment_difficulty"}
    stale = await _set(caseworker, **replace, items=RENT_LIST[:1], expectedVersion=0)
    assert first_error(stale, "setTaskList")[0] == "CONFLICT"
    replaced = ok_payload(
        await _set(caseworker, **replace, items=RENT_LIST[:1], expectedVersion=own["version"]),
        "setTaskList",
    )["taskList"]
    assert replaced["version"] == own["version"] + 1
    assert [i["intentionType"]["code"] for i in replaced["items"]] == ["call_back"]
    lists = (await caseworker.execute(LISTS, {"m": "core"})).ok()["taskLists"]
    assert [(t["demandType"]["code"], t["demandCategory"]) for t in lists] == [
        ("rent", None),
        ("rent", {"code": "payment_difficulty"}),
    ]
    removed = await caseworker.execute(
        REMOVE_LIST, {"i": {"id": replaced["id"], "expectedVersion": replaced["version"]}}
    )
    assert removed.ok()["removeTaskList"]["errors"] == []
    assert len((await caseworker.execute(LISTS, {})).ok()["taskLists"]) == 1


async def test_bad_task_lists_are_refused_with_the_field_and_nothing_saved(
    caseworker, synced, graphql
):
    cases = [
        ({"demandTypeCode": "no_such_type", "items": RENT_LIST}, "demandTypeCode"),
        (
            {"demandTypeCode": "rent", "demandCategoryCode": "housing_benefit", "items": RENT_LIST},
            "demandCategoryCode",
        ),
        ({"demandTypeCode": "rent", "items": []}, "items"),
        (
            {"demandTypeCode": "rent", "items": [{"intentionTypeCode": "nap", "offsetDays": 1}]},
            "items.0.intentionTypeCode",
        ),
        (
            {
                "demandTypeCode": "rent",
                "items": [RENT_LIST[0], {"intentionTypeCode": "visit", "offsetDays": 366}],
            },
            "items.1.offsetDays",
        ),
        (
            {
                "demandTypeCode": "rent",
                "items": [{"intentionTypeCode": "visit", "offsetDays": 1, "teamId": "nope"}],
            },
            "items.0.teamId",
        ),
    ]
    for given, field in cases:
        assert first_error(await _set(caseworker, **given), "setTaskList") == ("VALIDATION", field)
    assert (await caseworker.execute(LISTS, {})).ok()["taskLists"] == []

    reader = graphql.as_actor(staff("core.cases.read"))
    denied = await reader.execute(SET_LIST, {"i": {"demandTypeCode": "rent", "items": RENT_LIST}})
    assert denied.errors and denied.errors[0]["extensions"]["code"] == "PERMISSION_DENIED"
