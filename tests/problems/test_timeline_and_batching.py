"""Timelines across modules, and nested problem queries costing a fixed number of statements."""

from __future__ import annotations

from problems.problem_steps import (
    ADD_INTENTION,
    RECORD_ACTIVITY,
    add_demand,
    given_officer,
    given_person,
    given_place,
    ok_payload,
    open_case,
)

TIMELINE = """query($id: ID!, $first: Int, $after: String) { node(id: $id) {
  ... on Person { timeline(first: $first, after: $after) { ...page } cases { reference } }
  ... on Place { timeline(first: $first, after: $after) { ...page } cases { reference } }
} }
fragment page on TimelineConnection {
  edges { node { on kind item {
    __typename
    ... on Case { reference } ... on Demand { type { code } }
    ... on Activity { notes } ... on Intention { description } } } }
  pageInfo { hasNextPage endCursor } }"""

PORTAL_LIST = """query($first: Int) { cases(first: $first) { nodes {
  reference status { label } officer { displayName }
  demands(presenting: true) { nature type { label } underlyingDemands { type { label } } }
  parties { role { label } person { fullName
    addresses(current: true) { place { singleLineAddress postcode } } } }
  places { place { uprn } }
  activities { occurredAt tasks { minutes category { label } } }
  intentions(status: OPEN) { dueOn type { label } }
} } }"""


async def test_a_person_and_a_place_see_every_case_demand_activity_and_intention(
    caseworker, synced
):
    person = await given_person(caseworker, "Quinn")
    place = await given_place(synced, 100000010)
    party = [{"personId": person, "roleCode": "subject"}]
    generic = await open_case(caseworker, openedOn="2026-11-02", parties=party, placeIds=[place])
    dummy = await open_case(caseworker, module="dummy", openedOn="2026-11-05", parties=party)
    await add_demand(
        caseworker, generic, 1, typeCode="rent", nature="FAILURE", receivedOn="2026-11-03"
    )
    await add_demand(
        caseworker, dummy, 1, typeCode="widget_fault", nature="VALUE", receivedOn="2026-11-06"
    )
    ok_payload(
        await caseworker.execute(
            RECORD_ACTIVITY,
            {
                "i": {
                    "caseId": generic["id"],
                    "expectedVersion": 2,
                    "notes": "Phoned Quinn",
                    "occurredAt": "2026-11-04T09:30:00+00:00",
                    "tasks": [{"categoryCode": "contact", "minutes": 10}],
                }
            },
        ),
        "recordActivity",
    )
    officer = await given_officer(synced, "Ira Officer", "ira@council.example")
    ok_payload(
        await caseworker.execute(
            ADD_INTENTION,
            {
                "i": {
                    "caseId": generic["id"],
                    "typeCode": "call_back",
                    "intention": {
                        "description": "Call Quinn back",
                        "dueOn": "2026-12-01",
                        "officerId": officer,
                    },
                }
            },
        ),
        "addIntention",
    )

    first = (await caseworker.execute(TIMELINE, {"id": person, "first": 3})).ok()["node"]
    page = first["timeline"]
    # the intention was created today, then the dummy module's demand and case, ...
    kinds = [(e["node"]["kind"], e["node"]["item"]["__typename"]) for e in page["edges"]]
    assert kinds == [("INTENTION", "Intention"), ("DEMAND", "Demand"), ("CASE", "Case")]
    assert page["edges"][2]["node"]["item"]["reference"] == dummy["reference"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (
        await caseworker.execute(
            TIMELINE, {"id": person, "first": 10, "after": page["pageInfo"]["endCursor"]}
        )
    ).ok()["node"]["timeline"]
    assert [(e["node"]["on"], e["node"]["kind"]) for e in rest["edges"]] == [
        ("2026-11-04", "ACTIVITY"),
        ("2026-11-03", "DEMAND"),
        ("2026-11-02", "CASE"),
    ]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert {c["reference"] for c in first["cases"]} == {generic["reference"], dummy["reference"]}

    at_place = (await caseworker.execute(TIMELINE, {"id": place, "first": 10})).ok()["node"]
    assert len(at_place["timeline"]["edges"]) == 4  # only the generic case is about the place
    assert at_place["cases"] == [{"reference": generic["reference"]}]


async def test_the_portal_list_costs_the_same_statements_for_more_cases(
    caseworker, synced, sql_statements
):
    async def add_cases(count: int, start: int) -> None:
        officer = await given_officer(synced, f"Officer {start}", f"o{start}@council.example")
        for n in range(start, start + count):
            person = await given_person(caseworker, f"Person{n}")
            place = await given_place(synced, 200000000 + n)
            case = await open_case(
                caseworker,
                officerId=officer,
                placeIds=[place],
                parties=[{"personId": person, "roleCode": "subject"}],
            )
            rent = await add_demand(caseworker, case, 1, typeCode="rent", nature="FAILURE")
            await add_demand(
                caseworker,
                case,
                2,
                typeCode="debt",
                nature="VALUE",
                presenting_demand_id=rent["id"],
            )
            ok_payload(
                await caseworker.execute(
                    RECORD_ACTIVITY,
                    {
                        "i": {
                            "caseId": case["id"],
                            "expectedVersion": 3,
                            "tasks": [
                                {"categoryCode": "contact", "minutes": 5},
                                {"categoryCode": "visit", "minutes": 30},
                            ],
                        }
                    },
                ),
                "recordActivity",
            )

    await add_cases(2, 0)
    sql_statements.reset()
    few = (await caseworker.execute(PORTAL_LIST, {"first": 50})).ok()["cases"]["nodes"]
    few_count = sql_statements.count

    await add_cases(4, 10)
    sql_statements.reset()
    many = (await caseworker.execute(PORTAL_LIST, {"first": 50})).ok()["cases"]["nodes"]

    assert (len(few), len(many)) == (2, 6)
    assert many[0]["demands"][0]["underlyingDemands"] == [{"type": {"label": "Debt"}}]
    assert sum(len(c["activities"][0]["tasks"]) for c in many) == 12
    assert sql_statements.count == few_count
    # one statement per field per depth level (lookups load in the tick they are asked)
    assert few_count <= 20, few_count


async def test_a_persons_timeline_holds_activities_they_took_part_in_on_others_cases(
    caseworker,
):
    subject = await given_person(caseworker, "Rowan")
    with_them = await given_person(caseworker, "Sasha")  # named on the activity
    helped = await given_person(caseworker, "Tobin")  # a task was for them
    bystander = await given_person(caseworker, "Uma")
    case = await open_case(
        caseworker, openedOn="2026-11-02", parties=[{"personId": subject, "roleCode": "subject"}]
    )
    ok_payload(
        await caseworker.execute(
            RECORD_ACTIVITY,
            {
                "i": {
                    "caseId": case["id"],
                    "expectedVersion": 1,
                    "personIds": [with_them],
                    "occurredAt": "2026-11-04T09:30:00+00:00",
                    "tasks": [{"categoryCode": "contact", "minutes": 10, "personId": helped}],
                }
            },
        ),
        "recordActivity",
    )

    async def kinds(person: str) -> list[str]:
        node = (await caseworker.execute(TIMELINE, {"id": person, "first": 10})).ok()["node"]
        return [edge["node"]["kind"] for edge in node["timeline"]["edges"]]

    assert await kinds(subject) == ["ACTIVITY", "CASE"]  # a party: the whole case
    assert await kinds(with_them) == ["ACTIVITY"]  # not a party: only the activity
    assert await kinds(helped) == ["ACTIVITY"]
    assert await kinds(bystander) == []
