"""Row-level rule for cases: a role granted within a team reaches only that team's cases.

The officers sign in for real (roles granted per team in the database) and every
read and write goes through GraphQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from problems.problem_steps import (
    ADD_DEMAND,
    COMPLETE_INTENTION,
    LINK_CASES,
    OPEN_CASE,
    RECORD_ACTIVITY,
    REMOVE_ACTIVITY,
    UPDATE_CASE,
    first_error,
    ok_payload,
)

from security.case_world import BUILDER, VISIT, World, build_world
from security.conftest import bearer

# An intention's case may be null (intentions on a person or a place), so its `case`
# cannot share a response name with the non-null `case` of demands and activities.
ITEM = """... on Case { reference } ... on Demand { case { reference } }
  ... on Activity { case { reference } } ... on Intention { ofCase: case { reference } }"""
READS = f"""query($south: ID!, $southRef: String!, $north: ID!, $ids: [ID!]!, $person: ID!,
              $place: ID!) {{
  cases(first: 100) {{ nodes {{ reference }} }}
  southById: case(id: $south) {{ reference }}
  southByReference: caseByReference(reference: $southRef) {{ reference }}
  northCase: case(id: $north) {{ links {{ case {{ reference }} }} }}
  nodes(ids: $ids) {{ id }}
  person(id: $person) {{
    cases {{ reference }}
    timeline(first: 100) {{ nodes {{ kind item {{ {ITEM} }} }} }}
  }}
  place(id: $place) {{
    cases {{ reference }}
    timeline(first: 100) {{ nodes {{ item {{ {ITEM} }} }} }}
  }}
  intentions(filter: {{due: OVERDUE}}, first: 100) {{ nodes {{ case {{ reference }} }} }}
  serviceBreaches(first: 100) {{ nodes {{ case {{ reference }} }} }}
  systemConditions {{ nodes {{ effects {{ case {{ reference }} }} }} }}
  heldUpSouth: systemConditions(filter: {{caseId: $south}}) {{ nodes {{ id }} }}
}}"""
VOLUMES = "{ demandVolumes { count } }"
CASE_STATE = "query($id: ID!) { case(id: $id) { version summary team { name } demands { id } } }"
CASE_READ_WRITE = ("core.cases.read", "core.cases.write", "core.measures.read")
PEOPLE_AND_PLACES = ("core.people.read", "core.places.read", "core.conditions.read")


@pytest.fixture
async def world(graphql: Any, pdms_db: Any, staff_users: Any) -> World:
    return await build_world(graphql, pdms_db)


async def _north_officer(staff_users: Any, world: World) -> str:
    return await staff_users.token(
        "north.officer@council.invalid",
        *CASE_READ_WRITE,
        team_id=world.team_id("north"),
        council_wide=PEOPLE_AND_PLACES,
    )


def _reference(item: dict[str, Any]) -> str:
    return item.get("reference") or (item.get("case") or item["ofCase"])["reference"]


async def _reads(graphql: Any, world: World, headers: dict[str, str]) -> dict[str, Any]:
    every_record = [
        getattr(records, kind)
        for records in world.cases.values()
        for kind in ("case", "demand", "activity", "intention")
    ]
    result = await graphql.execute(
        READS,
        {
            "south": world.cases["south"].case,
            "southRef": world.cases["south"].reference,
            "north": world.cases["north"].case,
            "ids": every_record,
            "person": world.person,
            "place": world.place,
        },
        headers=headers,
    )
    data = result.ok()
    seen_nodes = {node["id"] for node in data["nodes"] if node is not None}
    return {
        "cases": sorted(c["reference"] for c in data["cases"]["nodes"]),
        "south": (data["southById"], data["southByReference"]),
        "links": [link["case"]["reference"] for link in data["northCase"]["links"]],
        "nodes": [record for record in every_record if record in seen_nodes],
        "person cases": sorted(c["reference"] for c in data["person"]["cases"]),
        "person timeline": {_reference(e["item"]) for e in data["person"]["timeline"]["nodes"]},
        "person timeline kinds": sorted(e["kind"] for e in data["person"]["timeline"]["nodes"]),
        "place cases": sorted(c["reference"] for c in data["place"]["cases"]),
        "place timeline": {_reference(e["item"]) for e in data["place"]["timeline"]["nodes"]},
        "overdue": sorted(i["case"]["reference"] for i in data["intentions"]["nodes"]),
        "breaches": sorted(d["case"]["reference"] for d in data["serviceBreaches"]["nodes"]),
        "condition effects": sorted(
            e["case"]["reference"]
            for condition in data["systemConditions"]["nodes"]
            for e in condition["effects"]
        ),
        "conditions of south's case": len(data["heldUpSouth"]["nodes"]),
    }


async def test_a_team_scoped_reader_sees_only_their_teams_cases_everywhere(
    graphql, world, staff_users
):
    north = world.cases["north"]
    token = await _north_officer(staff_users, world)

    seen = await _reads(graphql, world, bearer(token))

    only_north = [north.reference]
    assert seen == {
        "cases": only_north,
        "south": (None, None),
        "links": [],
        "nodes": [north.case, north.demand, north.activity, north.intention],
        "person cases": only_north,
        "person timeline": {north.reference},
        "person timeline kinds": ["ACTIVITY", "CASE", "DEMAND", "INTENTION"],
        "place cases": only_north,
        "place timeline": {north.reference},
        "overdue": only_north,
        "breaches": only_north,
        "condition effects": only_north,
        "conditions of south's case": 0,
    }
    volumes = (await graphql.execute(VOLUMES, headers=bearer(token))).ok()["demandVolumes"]
    assert sum(v["count"] for v in volumes) == 1


async def test_a_council_wide_reader_sees_every_case(graphql, world, staff_users):
    token = await staff_users.token("reader@council.invalid", *CASE_READ_WRITE, *PEOPLE_AND_PLACES)

    seen = await _reads(graphql, world, bearer(token))

    every = sorted(records.reference for records in world.cases.values())
    assert seen["cases"] == seen["person cases"] == seen["place cases"] == every
    assert seen["overdue"] == seen["breaches"] == seen["condition effects"] == every
    assert seen["conditions of south's case"] == 1
    assert seen["links"] == [world.cases["south"].reference]
    assert seen["south"] == ({"reference": world.cases["south"].reference},) * 2
    assert len(seen["nodes"]) == 12
    volumes = (await graphql.execute(VOLUMES, headers=bearer(token))).ok()["demandVolumes"]
    assert sum(v["count"] for v in volumes) == 3


async def test_two_team_grants_reach_both_teams(graphql, world, staff_users):
    token = await staff_users.token(
        "both@council.invalid",
        *CASE_READ_WRITE,
        team_id=(world.team_id("north"), world.team_id("south")),
        council_wide=PEOPLE_AND_PLACES,
    )

    seen = await _reads(graphql, world, bearer(token))

    both = sorted(world.cases[team].reference for team in ("north", "south"))
    assert seen["cases"] == seen["person cases"] == seen["overdue"] == both
    assert seen["links"] == [world.cases["south"].reference]


async def test_a_team_scoped_writer_cannot_change_another_teams_case(graphql, world, staff_users):
    south = world.cases["south"]
    officer = bearer(await _north_officer(staff_users, world))
    builder = graphql.as_actor(BUILDER)
    before = (await builder.execute(CASE_STATE, {"id": south.case})).ok()["case"]

    attempts = {
        "updateCase": (
            UPDATE_CASE,
            {"c": {"id": south.case, "expectedVersion": south.version}, "i": {"summary": "x"}},
        ),
        "addDemand": (
            ADD_DEMAND,
            {
                "i": {
                    "caseId": south.case,
                    "expectedVersion": south.version,
                    "demand": {"typeCode": "repairs", "nature": "VALUE"},
                }
            },
        ),
        "recordActivity": (
            RECORD_ACTIVITY,
            {"i": {"caseId": south.case, "expectedVersion": south.version, "tasks": [VISIT]}},
        ),
        "removeActivity": (
            REMOVE_ACTIVITY,
            {"i": {"id": south.activity, "expectedVersion": south.version}},
        ),
        "completeIntention": (
            COMPLETE_INTENTION,
            {"n": {"id": south.intention, "expectedVersion": south.intention_version}},
        ),
    }
    for name, (document, variables) in attempts.items():
        result = await graphql.execute(document, variables, headers=officer)
        assert first_error(result, name)[0] == "NOT_FOUND", name

    after = (await builder.execute(CASE_STATE, {"id": south.case})).ok()["case"]
    assert after == before
    intention = await builder.execute(
        "query($id: ID!) { node(id: $id) { ... on Intention { status } } }",
        {"id": south.intention},
    )
    assert intention.ok()["node"]["status"] == "OPEN"


async def test_a_team_scoped_writer_keeps_cases_within_their_teams(graphql, world, staff_users):
    north = world.cases["north"]
    officer = bearer(await _north_officer(staff_users, world))

    async def open_for(team: str | None) -> Any:
        given = {} if team is None else {"teamId": world.teams[team]}
        return await graphql.execute(OPEN_CASE, {"i": given}, headers=officer)

    assert first_error(await open_for("south"), "openCase") == ("PERMISSION_DENIED", "teamId")
    assert first_error(await open_for(None), "openCase") == ("PERMISSION_DENIED", "teamId")
    opened = ok_payload(await open_for("north"), "openCase")["case"]
    assert opened["team"] == {"name": "North"}

    move = await graphql.execute(
        UPDATE_CASE,
        {
            "c": {"id": north.case, "expectedVersion": north.version},
            "i": {"teamId": world.teams["south"]},
        },
        headers=officer,
    )
    assert first_error(move, "updateCase") == ("PERMISSION_DENIED", "teamId")
    link = await graphql.execute(
        LINK_CASES,
        {
            "i": {
                "caseId": opened["id"],
                "expectedVersion": opened["version"],
                "relatedCaseId": world.cases["south"].case,
            }
        },
        headers=officer,
    )
    assert first_error(link, "linkCases") == ("NOT_FOUND", "relatedCaseId")

    edited = await graphql.execute(
        UPDATE_CASE,
        {"c": {"id": north.case, "expectedVersion": north.version}, "i": {"summary": "Dry now"}},
        headers=officer,
    )
    assert ok_payload(edited, "updateCase")["case"]["summary"] == "Dry now"


async def test_a_key_made_by_the_system_reads_council_wide(graphql, world, staff_users):
    # (keys made by a team-scoped officer keep its teams: test_delegation.py)
    created = await staff_users.api_key("core.cases.read")

    result = await graphql.execute(
        "{ cases { nodes { reference } } }", headers=bearer(created.secret)
    )

    assert len(result.ok()["cases"]["nodes"]) == 3


SAVE_SNAPSHOT = """mutation($title: String!) {
  saveMeasureSnapshot(input: {measure: "failure_demand", title: $title}) {
    snapshot { id } errors { code } } }"""
SNAPSHOTS = """query($ids: [ID!]!) {
  measureSnapshots(first: 100) { nodes { title } }
  nodes(ids: $ids) { ... on MeasureSnapshot { title } } }"""
SNAPSHOT_CODES = ("core.measures.read", "core.measures.snapshot")


async def _analyst(staff_users: Any, email: str, world: World, *teams: str) -> dict[str, str]:
    scoped = {"team_id": tuple(world.team_id(team) for team in teams)} if teams else {}
    return bearer(await staff_users.token(email, *SNAPSHOT_CODES, **scoped))


async def test_a_team_scoped_reader_sees_only_snapshots_limited_to_their_teams(
    graphql, world, staff_users
):
    analysts = {
        "council": await _analyst(staff_users, "council.analyst@council.invalid", world),
        "north": await _analyst(staff_users, "north.analyst@council.invalid", world, "north"),
        "south": await _analyst(staff_users, "south.analyst@council.invalid", world, "south"),
        "both": await _analyst(
            staff_users, "both.analyst@council.invalid", world, "north", "south"
        ),
    }
    ids = []
    for name in ("council", "north", "south"):
        saved = await graphql.execute(SAVE_SNAPSHOT, {"title": name}, headers=analysts[name])
        payload = saved.ok()["saveMeasureSnapshot"]
        assert payload["errors"] == []
        ids.append(payload["snapshot"]["id"])

    async def seen(name: str) -> tuple[list[str], list[str]]:
        result = (await graphql.execute(SNAPSHOTS, {"ids": ids}, headers=analysts[name])).ok()
        listed = sorted(node["title"] for node in result["measureSnapshots"]["nodes"])
        by_id = sorted(node["title"] for node in result["nodes"] if node)
        return listed, by_id

    assert await seen("council") == (["council", "north", "south"],) * 2
    assert await seen("north") == (["north"],) * 2
    assert await seen("south") == (["south"],) * 2
    # A snapshot limited to both teams would show too; the council-wide one never does.
    assert await seen("both") == (["north", "south"],) * 2
