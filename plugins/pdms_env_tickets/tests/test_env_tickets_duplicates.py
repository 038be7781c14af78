"""The duplicate check: open tickets of the same type within 250 m, and joining one."""

from __future__ import annotations

from env_tickets_support import LAT, LON, OFFICER, report, ticket_count

from pdms_env_tickets.geo import haversine_m, offset_north

NEARBY = """
query($type: String!, $lat: Float!, $lon: Float!) {
  envTicketsNearby(typeCode: $type, latitude: $lat, longitude: $lon) {
    distanceM ticket { reference }
  }
}
"""
JOIN = """
mutation($input: EnvTicketsInterestedPartyInput!) {
  envTicketsAddInterestedParty(input: $input) {
    ticket {
      reference version history { kind note }
      interestedParties { name phone personId demandId }
    }
    errors { code field message }
  }
}
"""
CASE_DEMANDS = """
query($id: ID!) { node(id: $id) { ... on Case { demands { nature type { code } } } } }
"""
PERSON_RECORDS = """
query($id: ID!) {
  node(id: $id) { ... on Person { moduleRecords { ... on EnvTicketsTicket { reference } } } }
}
"""
CLOSE = """
mutation($id: ID!, $v: Int!) {
  envTicketsSetStatus(id: $id, expectedVersion: $v, status: "closed") { errors { code } }
}
"""


async def _at(graphql, metres, type_code="fly_tipping"):
    lat, lon = offset_north(LAT, LON, metres)
    payload = await report(graphql, typeCode=type_code, latitude=lat, longitude=lon)
    assert payload["errors"] == []
    return payload["ticket"]


async def _nearby(graphql, type_code="fly_tipping"):
    result = await graphql.as_actor(OFFICER).execute(
        NEARBY, {"type": type_code, "lat": LAT, "lon": LON}
    )
    return result.ok()["envTicketsNearby"]


def test_the_test_points_are_where_they_claim():
    lat, lon = offset_north(LAT, LON, 249)
    assert abs(haversine_m(LAT, LON, lat, lon) - 249) < 0.01


async def test_249_metres_is_a_duplicate_and_251_is_not(graphql, world):
    inside = await _at(graphql, 249)
    await _at(graphql, 251)
    await _at(graphql, -251)
    found = await _nearby(graphql)
    assert found == [{"distanceM": 249.0, "ticket": {"reference": inside["reference"]}}]


async def test_other_types_and_closed_tickets_are_not_duplicates(graphql, world):
    await _at(graphql, 10, "graffiti")
    closed = await _at(graphql, 20)
    result = await graphql.as_actor(OFFICER).execute(
        CLOSE, {"id": closed["id"], "v": closed["version"]}
    )
    assert result.ok()["envTicketsSetStatus"]["errors"] == []
    assert await _nearby(graphql) == []
    assert [n["distanceM"] for n in await _nearby(graphql, "graffiti")] == [10.0]


async def test_at_most_five_are_offered_nearest_first(graphql, world):
    for metres in (120, -30, 200, 60, -90, 10):
        await _at(graphql, metres)
    assert [n["distanceM"] for n in await _nearby(graphql)] == [10.0, 30.0, 60.0, 90.0, 120.0]


async def test_a_caller_joins_the_existing_ticket_as_a_failure_demand(graphql, world, pdms_db):
    # given an open ticket near where a second caller reports the same thing
    existing = await _at(graphql, 40)
    assert [n["ticket"]["reference"] for n in await _nearby(graphql)] == [existing["reference"]]

    # when the officer adds the caller to it instead of opening a new ticket
    joined = await graphql.as_actor(OFFICER).execute(
        JOIN,
        {
            "input": {
                "ticketId": existing["id"],
                "name": "Second Caller",
                "phone": "01632 960001",
                "note": "Still there after a week",
                "channel": "phone",
            }
        },
    )

    # then the caller is an interested party with a failure demand, and no ticket is added
    payload = joined.ok()["envTicketsAddInterestedParty"]
    assert payload["errors"] == []
    party = payload["ticket"]["interestedParties"]
    assert [(p["name"], p["phone"], p["personId"]) for p in party] == [
        ("Second Caller", "01632 960001", None)
    ]
    assert payload["ticket"]["history"][-1] == {
        "kind": "interested_party",
        "note": "Still there after a week",
    }
    assert await ticket_count(pdms_db) == 1
    case = await graphql.as_actor(OFFICER).execute(CASE_DEMANDS, {"id": existing["caseId"]})
    assert case.ok()["node"]["demands"] == [
        {"nature": "VALUE", "type": {"code": "fly_tipping"}},
        {"nature": "FAILURE", "type": {"code": "fly_tipping"}},
    ]


async def test_a_known_person_can_join_and_nobody_joins_a_closed_ticket(graphql, world):
    existing = await _at(graphql, 5)
    joined = await graphql.as_actor(OFFICER).execute(
        JOIN, {"input": {"ticketId": existing["id"], "personId": world.person}}
    )
    ticket = joined.ok()["envTicketsAddInterestedParty"]["ticket"]
    assert [p["personId"] for p in ticket["interestedParties"]] == [world.person]
    # and the ticket is among the person's module records, once
    records = await graphql.as_actor(OFFICER).execute(PERSON_RECORDS, {"id": world.person})
    assert records.ok()["node"]["moduleRecords"] == [{"reference": existing["reference"]}]
    nobody = await graphql.as_actor(OFFICER).execute(JOIN, {"input": {"ticketId": existing["id"]}})
    assert [e["field"] for e in nobody.ok()["envTicketsAddInterestedParty"]["errors"]] == [
        "personId"
    ]
    result = await graphql.as_actor(OFFICER).execute(
        CLOSE, {"id": existing["id"], "v": ticket["version"]}
    )
    assert result.ok()["envTicketsSetStatus"]["errors"] == []
    late = await graphql.as_actor(OFFICER).execute(
        JOIN, {"input": {"ticketId": existing["id"], "name": "Late Caller"}}
    )
    assert [e["code"] for e in late.ok()["envTicketsAddInterestedParty"]["errors"]] == [
        "NOT_ALLOWED"
    ]
