"""Intentions on a person or a place, when no case is called for."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner
from sqlalchemy import select

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.notifications.models import OutboxMessage
from problems.problem_steps import (
    ADD_INTENTION,
    COMPLETE_INTENTION,
    first_error,
    given_officer,
    given_person,
    given_place,
    given_team,
    ok_payload,
    open_case,
)

ON = """query($f: IntentionFilterInput) { intentions(filter: $f) { nodes {
  description dueOn case { id } person { forenames } place { uprn } } } }"""
TIMELINE = """query($id: ID!) { node(id: $id) { ... on Person {
  timeline { edges { node { item { __typename ... on Intention { description } } } } } } } }"""


async def _add(client, **given):
    return await client.execute(ADD_INTENTION, {"i": given})


async def test_a_follow_up_on_a_person_or_a_place(caseworker, synced, pdms_host):
    officer = await given_officer(synced, "Fran Follow", "fran@council.example")
    person = await given_person(caseworker, "Ruth")
    place = await given_place(synced, 990000000401)
    on_person = ok_payload(
        await _add(
            caseworker,
            personId=person,
            typeCode="call_back",
            intention={"dueOn": "2026-11-02", "officerId": officer, "description": "Ring back"},
        ),
        "addIntention",
    )["intention"]
    ok_payload(
        await _add(
            caseworker,
            placeId=place,
            typeCode="visit",
            intention={"dueOn": "2026-11-20", "officerId": officer, "description": "Void check"},
        ),
        "addIntention",
    )
    by_person = (await caseworker.execute(ON, {"f": {"personId": person}})).ok()["intentions"]
    assert by_person["nodes"] == [
        {
            "description": "Ring back",
            "dueOn": "2026-11-02",
            "case": None,
            "person": {"forenames": "Ruth"},
            "place": None,
        }
    ]
    by_place = (await caseworker.execute(ON, {"f": {"placeId": place}})).ok()["intentions"]
    assert [(n["description"], n["place"]) for n in by_place["nodes"]] == [
        ("Void check", {"uprn": "990000000401"})
    ]
    core = (await caseworker.execute(ON, {"f": {"module": "core"}})).ok()["intentions"]
    assert len(core["nodes"]) == 2
    timeline = (await caseworker.execute(TIMELINE, {"id": person})).ok()["node"]["timeline"]
    assert {"__typename": "Intention", "description": "Ring back"} in [
        e["node"]["item"] for e in timeline["edges"]
    ]

    # reminded without a name in the email
    cli = build_cli(CliState.for_host(pdms_host))
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, ["reminders", "run", "--as-of", "2026-11-10"]
    )
    assert "1 queued" in result.output, result.output
    async with synced.sessionmaker() as session:
        message = await session.scalar(select(OutboxMessage))
    assert message.subject == "Follow-up: Call back was due 02 November 2026"
    assert "a person's record" in message.body and "Ruth" not in message.body

    done = ok_payload(
        await caseworker.execute(
            COMPLETE_INTENTION,
            {"n": {"id": on_person["id"], "expectedVersion": 1}, "note": "Spoke to her"},
        ),
        "completeIntention",
    )["intention"]
    assert done["status"] == "DONE"


async def test_exactly_one_holder_and_team_scoped_reach(caseworker, synced, graphql):
    person = await given_person(caseworker, "Sam")
    place = await given_place(synced, 990000000402)
    case = await open_case(caseworker)
    team = await given_team(synced, "Outreach")
    base = {"typeCode": "call_back", "intention": {"dueOn": "2026-11-30", "teamId": team}}
    for holders in (
        {},
        {"personId": person, "placeId": place},
        {"caseId": case["id"], "personId": person},
    ):
        assert first_error(await _add(caseworker, **base, **holders), "addIntention") == (
            "VALIDATION",
            "caseId",
        )
    nobody = global_id("Person", 987654)
    assert first_error(await _add(caseworker, **base, personId=nobody), "addIntention") == (
        "NOT_FOUND",
        "personId",
    )
    ok_payload(await _add(caseworker, **base, personId=person), "addIntention")

    # a caseworker granted within another team neither sees it nor may make one for it
    other = decode_id(await given_team(synced, "Elsewhere"), "Team")
    within = ("core.cases.read", "core.cases.write")
    scoped = graphql.as_actor(
        Actor(
            kind=ActorKind.USER,
            id="user:Scoped Officer",
            permissions=frozenset({*within, "core.people.read"}),
            global_permissions=frozenset({"core.people.read"}),
            team_grants=frozenset((code, other) for code in within),
        )
    )
    seen = (await scoped.execute(ON, {"f": {"personId": person}})).ok()["intentions"]
    assert seen["nodes"] == []
    refused = await _add(scoped, **base, personId=person)
    assert first_error(refused, "addIntention") == ("PERMISSION_DENIED", "teamId")
