"""The ticket workflow: statuses, notes, history, teams, work queue, notices, batches."""

from __future__ import annotations

from env_tickets_support import LAT, LON, OFFICER, READER, report
from pdms_core.testing.actors import staff

SET_STATUS = """
mutation($id: ID!, $v: Int!, $status: String!, $note: String!) {
  envTicketsSetStatus(id: $id, expectedVersion: $v, status: $status, note: $note) {
    ticket { isOpen closedAt version status { code } history { kind oldValue newValue note } }
    errors { code field message }
  }
}
"""
ADD_NOTE = """
mutation($id: ID!, $note: String!) {
  envTicketsAddNote(ticketId: $id, note: $note) {
    ticket { history { kind note actorName public } } errors { code field }
  }
}
"""
ASSIGN = """
mutation($ids: [ID!]!, $team: ID) {
  envTicketsAssign(ticketIds: $ids, teamId: $team) {
    tickets { teamId teamName history { kind oldValue newValue } } errors { code field }
  }
}
"""
QUEUE = """
query($team: ID!) { envTicketsWorkQueue(teamId: $team) { reference dueOn } }
"""
BATCH = """
mutation($ids: [ID!]!, $note: String!, $status: String!) {
  envTicketsCompleteBatch(ticketIds: $ids, note: $note, status: $status) {
    tickets { isOpen status { code } history { kind note } } errors { code field message }
  }
}
"""
NOTICE = """
mutation($id: ID!, $v: Int!, $at: DateTime!, $dangerous: Boolean) {
  envTicketsServeNotice(id: $id, expectedVersion: $v, servedAt: $at, dangerous: $dangerous) {
    ticket { vehicle { dangerous noticeServedAt noticeExpiresAt } } errors { code field }
  }
}
"""
STANDARD = """
mutation($code: String!, $days: Int!) {
  setServiceStandard(input: {module: "env_tickets", kind: DEMAND_TYPE, code: $code,
    targetDays: $days, warningDays: 0}) { errors { code } }
}
"""
ASSIGNER = staff("env_tickets.ticket.read", "env_tickets.ticket.assign", name="Ada Assigner")


async def _point_ticket(graphql, type_code="litter", **extra):
    payload = await report(graphql, typeCode=type_code, latitude=LAT, longitude=LON, **extra)
    assert payload["errors"] == []
    return payload["ticket"]


async def test_a_status_change_is_in_the_history_and_a_closing_status_closes(graphql, world):
    ticket = await _point_ticket(graphql)
    moved = await graphql.as_actor(OFFICER).execute(
        SET_STATUS,
        {"id": ticket["id"], "v": ticket["version"], "status": "investigating", "note": "Visit"},
    )
    first = moved.ok()["envTicketsSetStatus"]
    assert first["errors"] == []
    assert first["ticket"]["isOpen"] is True and first["ticket"]["closedAt"] is None

    closed = await graphql.as_actor(OFFICER).execute(
        SET_STATUS,
        {"id": ticket["id"], "v": first["ticket"]["version"], "status": "fixed", "note": "Cleared"},
    )
    done = closed.ok()["envTicketsSetStatus"]["ticket"]
    assert done["isOpen"] is False and done["closedAt"] is not None
    assert done["history"] == [
        {"kind": "created", "oldValue": "", "newValue": "open", "note": ""},
        {"kind": "status", "oldValue": "open", "newValue": "investigating", "note": "Visit"},
        {"kind": "status", "oldValue": "investigating", "newValue": "fixed", "note": "Cleared"},
    ]


async def test_a_stale_version_or_unknown_status_changes_nothing(graphql, world):
    ticket = await _point_ticket(graphql)
    stale = await graphql.as_actor(OFFICER).execute(
        SET_STATUS, {"id": ticket["id"], "v": ticket["version"] + 5, "status": "fixed", "note": ""}
    )
    assert [e["code"] for e in stale.ok()["envTicketsSetStatus"]["errors"]] == ["CONFLICT"]
    unknown = await graphql.as_actor(OFFICER).execute(
        SET_STATUS, {"id": ticket["id"], "v": ticket["version"], "status": "vanished", "note": ""}
    )
    assert [(e["code"], e["field"]) for e in unknown.ok()["envTicketsSetStatus"]["errors"]] == [
        ("NOT_FOUND", "status")
    ]


async def test_notes_name_their_writer(graphql, world):
    ticket = await _point_ticket(graphql)
    noted = await graphql.as_actor(OFFICER).execute(
        ADD_NOTE, {"id": ticket["id"], "note": "Caller says it is getting worse"}
    )
    history = noted.ok()["envTicketsAddNote"]["ticket"]["history"]
    assert history[-1] == {
        "kind": "note",
        "note": "Caller says it is getting worse",
        "actorName": "Eddie Enviro",
        "public": False,
    }
    blank = await graphql.as_actor(OFFICER).execute(ADD_NOTE, {"id": ticket["id"], "note": " "})
    assert blank.ok()["envTicketsAddNote"]["errors"] == [{"code": "VALIDATION", "field": "note"}]


async def test_bulk_assignment_and_the_queue_by_deadline(graphql, world):
    # given standards of 2 days for dog fouling and 10 for graffiti, and one type without
    for code, days in (("dog_fouling", 2), ("graffiti", 10)):
        assert (
            await graphql.as_actor(OFFICER).execute(STANDARD, {"code": code, "days": days})
        ).ok()
    slow = await _point_ticket(graphql, "graffiti")
    none = await _point_ticket(graphql, "noise")
    fast = await _point_ticket(graphql, "dog_fouling")
    ids = [slow["id"], none["id"], fast["id"]]

    # when all three are assigned to the north crew at once
    assigned = await graphql.as_actor(ASSIGNER).execute(ASSIGN, {"ids": ids, "team": world.team})
    payload = assigned.ok()["envTicketsAssign"]
    assert payload["errors"] == []
    assert {t["teamName"] for t in payload["tickets"]} == {"North crew"}
    assert payload["tickets"][0]["history"][-1] == {
        "kind": "assigned",
        "oldValue": "",
        "newValue": "north_crew",
    }

    # then the crew's queue runs soonest deadline first, no deadline last
    queue = await graphql.as_actor(READER).execute(QUEUE, {"team": world.team})
    assert [t["reference"] for t in queue.ok()["envTicketsWorkQueue"]] == [
        fast["reference"],
        slow["reference"],
        none["reference"],
    ]
    other = await graphql.as_actor(READER).execute(QUEUE, {"team": world.other_team})
    assert other.ok()["envTicketsWorkQueue"] == []


async def test_assigning_with_one_unknown_ticket_assigns_none(graphql, world):
    ticket = await _point_ticket(graphql)
    missing = "RW52VGlja2V0c1RpY2tldDo5OTk5OTk="  # EnvTicketsTicket:999999
    assigned = await graphql.as_actor(ASSIGNER).execute(
        ASSIGN, {"ids": [ticket["id"], missing], "team": world.team}
    )
    assert assigned.ok()["envTicketsAssign"]["errors"] == [
        {"code": "NOT_FOUND", "field": "ticketIds"}
    ]
    queue = await graphql.as_actor(READER).execute(QUEUE, {"team": world.team})
    assert queue.ok()["envTicketsWorkQueue"] == []


async def test_a_batch_done_closes_each_ticket_with_the_note(graphql, world):
    first = await _point_ticket(graphql)
    second = await _point_ticket(graphql, "graffiti")
    done = await graphql.as_actor(ASSIGNER).execute(
        BATCH, {"ids": [first["id"], second["id"]], "note": "Round 4 cleared", "status": "fixed"}
    )
    payload = done.ok()["envTicketsCompleteBatch"]
    assert payload["errors"] == []
    assert [(t["isOpen"], t["status"]["code"]) for t in payload["tickets"]] == [
        (False, "fixed"),
        (False, "fixed"),
    ]
    assert payload["tickets"][0]["history"][-1] == {"kind": "status", "note": "Round 4 cleared"}
    again = await graphql.as_actor(ASSIGNER).execute(
        BATCH, {"ids": [first["id"]], "note": "Again", "status": "fixed"}
    )
    assert [e["code"] for e in again.ok()["envTicketsCompleteBatch"]["errors"]] == ["NOT_ALLOWED"]
    still_open = await graphql.as_actor(ASSIGNER).execute(
        BATCH, {"ids": [first["id"]], "note": "", "status": "in_progress"}
    )
    assert [e["field"] for e in still_open.ok()["envTicketsCompleteBatch"]["errors"]] == ["status"]


async def test_the_abandoned_vehicle_notice_runs_7_days_or_24_hours_when_dangerous(graphql, world):
    car = await _point_ticket(graphql, "abandoned_vehicle", vehicle={"registration": "XY99 ZZZ"})
    served = await graphql.as_actor(OFFICER).execute(
        NOTICE, {"id": car["id"], "v": car["version"], "at": "2026-11-02T10:00:00+00:00"}
    )
    vehicle = served.ok()["envTicketsServeNotice"]["ticket"]["vehicle"]
    assert vehicle["noticeExpiresAt"].startswith("2026-11-09T10:00:00")
    danger = await _point_ticket(graphql, "abandoned_vehicle", vehicle={"dangerous": True})
    served = await graphql.as_actor(OFFICER).execute(
        NOTICE, {"id": danger["id"], "v": danger["version"], "at": "2026-11-02T10:00:00+00:00"}
    )
    vehicle = served.ok()["envTicketsServeNotice"]["ticket"]["vehicle"]
    assert vehicle["dangerous"] is True
    assert vehicle["noticeExpiresAt"].startswith("2026-11-03T10:00:00")
    litter = await _point_ticket(graphql)
    refused = await graphql.as_actor(OFFICER).execute(
        NOTICE, {"id": litter["id"], "v": litter["version"], "at": "2026-11-02T10:00:00+00:00"}
    )
    assert refused.ok()["envTicketsServeNotice"]["errors"] == [
        {"code": "VALIDATION", "field": "id"}
    ]


CASE_OF = (
    "query($r: String!) { caseByReference(reference: $r) { isClosed closedOn status { code } } }"
)
REFERENCE = "query($id: ID!) { node(id: $id) { ... on EnvTicketsTicket { reference version } } }"


async def _case(graphql, reference):
    return (await graphql.as_actor(OFFICER).execute(CASE_OF, {"r": reference})).ok()[
        "caseByReference"
    ]


async def _move(graphql, ticket_id, status):
    found = (await graphql.as_actor(OFFICER).execute(REFERENCE, {"id": ticket_id})).ok()["node"]
    moved = await graphql.as_actor(OFFICER).execute(
        SET_STATUS, {"id": ticket_id, "v": found["version"], "status": status, "note": ""}
    )
    assert moved.ok()["envTicketsSetStatus"]["errors"] == []
    return await _case(graphql, found["reference"])


async def test_closing_a_ticket_closes_its_case_with_the_outcome_and_reopening_reopens(
    graphql, world
):
    # given an open ticket: its case is open
    ticket = await _point_ticket(graphql)
    assert await _case(graphql, ticket["reference"]) == {
        "isClosed": False,
        "closedOn": None,
        "status": {"code": "open"},
    }
    # a status that keeps the ticket open leaves the case open
    assert (await _move(graphql, ticket["id"], "investigating"))["isClosed"] is False

    # when it is marked a duplicate, the case closes as withdrawn
    closed = await _move(graphql, ticket["id"], "duplicate")
    assert closed["isClosed"] is True and closed["closedOn"] is not None
    assert closed["status"] == {"code": "withdrawn"}

    # a closed ticket moved to another closing status gets that outcome
    assert (await _move(graphql, ticket["id"], "fixed"))["status"] == {"code": "resolved"}

    # when it is reopened, the case reopens
    assert await _move(graphql, ticket["id"], "in_progress") == {
        "isClosed": False,
        "closedOn": None,
        "status": {"code": "open"},
    }


async def test_a_batch_done_closes_each_ticket_case(graphql, world):
    tickets = [await _point_ticket(graphql) for _ in range(2)]
    done = await graphql.as_actor(OFFICER).execute(
        BATCH,
        {"ids": [t["id"] for t in tickets], "note": "Round done", "status": "no_further_action"},
    )
    assert done.ok()["envTicketsCompleteBatch"]["errors"] == []
    for ticket in tickets:
        case = await _case(graphql, ticket["reference"])
        assert case["isClosed"] is True and case["status"] == {"code": "withdrawn"}
