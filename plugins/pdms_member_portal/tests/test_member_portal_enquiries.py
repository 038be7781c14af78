"""Submitting, co-ordinating and answering member enquiries, through GraphQL."""

from __future__ import annotations

from member_portal_support import SUBMIT, at, change, fix_clock, node, submit, submitted
from pdms_core.testing.actors import staff

EXISTING = """
query($place: ID, $person: ID, $uprn: String) {
  memberPortalExistingCases(placeId: $place, personId: $person, uprn: $uprn) {
    reference module status atPlace forPerson caseId
  }
}
"""
CASE_DEMANDS = """
query($id: ID!) { node(id: $id) { ... on Case { module demands { nature type { code } } } } }
"""


async def test_a_member_sees_the_open_case_at_the_place_and_attaches_to_it(graphql, world):
    result = await graphql.as_actor(world.member).execute(
        EXISTING, {"uprn": world.uprn, "person": world.person}
    )
    found = result.ok()["memberPortalExistingCases"]
    assert found == [
        {
            "reference": world.existing_reference,
            "module": "core",
            "status": found[0]["status"],
            "atPlace": True,
            "forPerson": True,
            "caseId": world.existing_case,
        }
    ]
    enquiry = await submitted(
        graphql,
        world.member,
        uprn=world.uprn,
        personId=world.person,
        residentConsent=True,
        attachToCaseId=found[0]["caseId"],
    )
    assert enquiry["caseId"] == world.existing_case and enquiry["attached"] is True
    assert enquiry["reference"] == f"{world.existing_reference}/1"
    assert enquiry["placeId"] == world.place and enquiry["residentName"] == "Rita Resident"


async def test_a_new_enquiry_is_a_case_with_a_value_demand_of_its_service_area(graphql, world):
    enquiry = await submitted(
        graphql,
        world.member,
        placeId=world.place,
        newResident={"forenames": "Tom", "surname": "Newcomer"},
        residentConsent=True,
        serviceArea="waste",
    )
    assert enquiry["status"] == "new" and enquiry["attached"] is False
    assert enquiry["residentName"] == "Tom Newcomer"
    assert enquiry["serviceArea"] == {
        "code": "waste",
        "label": "Waste and recycling",
        "directorate": "Place",
        "responseDays": 10,
    }
    assert enquiry["division"] == {"code": "north"}
    reader = staff("core.cases.read")
    case = (await graphql.as_actor(reader).execute(CASE_DEMANDS, {"id": enquiry["caseId"]})).ok()
    assert case["node"] == {
        "module": "member_portal",
        "demands": [{"nature": "VALUE", "type": {"code": "waste"}}],
    }


async def test_a_resident_needs_their_consent_and_the_lists_are_checked(graphql, world):
    payload = await submit(
        graphql, world.member, personId=world.person, serviceArea="moon", subject=" "
    )
    assert payload["enquiry"] is None
    fields = {(e["code"], e["field"]) for e in payload["errors"]}
    assert fields == {("VALIDATION", "subject"), ("VALIDATION", "residentConsent")}
    payload = await submit(graphql, world.member, serviceArea="moon")
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", "serviceArea")]


async def test_only_a_member_can_submit(graphql, world):
    result = await graphql.as_actor(world.officer).execute(
        SUBMIT, {"input": {"serviceArea": "waste", "enquiryType": "complaint", "subject": "x"}}
    )
    assert result.error_codes() == ["PERMISSION_DENIED"]
    from member_portal_support import MEMBER_PERMS, user

    impostor = user(999_999, "Not A Member", MEMBER_PERMS)
    payload = await submit(graphql, impostor)
    assert [e["code"] for e in payload["errors"]] == ["PERMISSION_DENIED"]


async def test_assign_respond_within_the_standard_over_christmas(graphql, world, monkeypatch):
    # Wednesday 17 December 2025: 10 working days skip Christmas Day, Boxing Day and
    # New Year's Day, so the response is due Monday 5 January 2026 (31 December if bank
    # holidays were ignored).
    fix_clock(monkeypatch, at("2025-12-17"))
    enquiry = await submitted(graphql, world.member, placeId=world.place)
    assert enquiry["acknowledgeBy"] == "2025-12-18"
    assert enquiry["dueOn"] == "2026-01-05"
    assigned = await change(
        graphql,
        world.coordinator,
        "memberPortalAssign",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        leadOfficerId=world.officer_id,
        additionalOfficerIds=[world.officer2_id],
    )
    assert assigned["errors"] == []
    got = assigned["enquiry"]
    assert got["status"] == "acknowledged"
    assert got["officers"] == [
        {"name": "Olive Officer", "isLead": True},
        {"name": "Oscar Officer", "isLead": False},
    ]
    stale = await change(
        graphql,
        world.officer,
        "memberPortalRespond",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        text="Too late to the party.",
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    fix_clock(monkeypatch, at("2026-01-05", 16))
    answered = await change(
        graphql,
        world.officer,
        "memberPortalRespond",
        "",
        id=enquiry["id"],
        expectedVersion=got["version"],
        text="The pothole is booked for repair.",
    )
    assert answered["errors"] == []
    done = answered["enquiry"]
    assert done["status"] == "responded"
    assert done["responseWorkingDays"] == 10 and done["withinStandard"] is True
    assert done["closesOn"] == "2026-01-12"  # five working days for follow-ups


async def test_a_response_a_day_late_is_outside_the_standard(graphql, world, monkeypatch):
    fix_clock(monkeypatch, at("2025-12-17"))
    enquiry = await submitted(graphql, world.member)
    fix_clock(monkeypatch, at("2026-01-06"))
    answered = await change(
        graphql,
        world.coordinator,
        "memberPortalRespond",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        text="Sorry for the wait.",
    )
    assert answered["enquiry"]["responseWorkingDays"] == 11
    assert answered["enquiry"]["withinStandard"] is False


async def test_the_member_sees_responses_but_not_internal_notes(graphql, world):
    enquiry = await submitted(graphql, world.member)
    noted = await change(
        graphql,
        world.coordinator,
        "memberPortalAddNote",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        text="Resident is known to be difficult.",
    )
    answered = await change(
        graphql,
        world.coordinator,
        "memberPortalRespond",
        "",
        id=enquiry["id"],
        expectedVersion=noted["enquiry"]["version"],
        text="Fixed on Tuesday.",
    )
    assert answered["errors"] == []
    seen = await node(graphql, world.member, enquiry["id"])
    assert [h["kind"] for h in seen["history"]] == ["submitted", "response"]
    assert "difficult" not in str(seen)
    full = await node(graphql, world.coordinator, enquiry["id"])
    assert [h["kind"] for h in full["history"]] == ["submitted", "note", "response"]


async def test_reroute_needs_a_reason_and_moves_the_deadline(graphql, world, monkeypatch):
    fix_clock(monkeypatch, at("2025-12-17"))
    enquiry = await submitted(graphql, world.member)
    refused = await change(
        graphql,
        world.coordinator,
        "memberPortalReroute",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        serviceArea="parks",
        reason=" ",
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "reason")]
    moved = await change(
        graphql,
        world.coordinator,
        "memberPortalReroute",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        serviceArea="parks",
        reason="The verge is a park.",
    )
    assert moved["enquiry"]["serviceArea"]["code"] == "parks"
    assert moved["enquiry"]["history"][-1] == {
        "kind": "rerouted",
        "text": "Parks and open spaces: The verge is a park.",
        "memberVisible": True,
    }


async def test_request_update_is_failure_demand_and_tells_the_lead(graphql, world, pdms_db):
    enquiry = await submitted(graphql, world.member)
    assigned = await change(
        graphql,
        world.coordinator,
        "memberPortalAssign",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        leadOfficerId=world.officer_id,
    )
    chased = await change(
        graphql,
        world.member,
        "memberPortalRequestUpdate",
        "",
        id=enquiry["id"],
        expectedVersion=assigned["enquiry"]["version"],
        note="Any news?",
    )
    assert chased["errors"] == [] and chased["enquiry"]["updateRequests"] == 1
    case = (
        await graphql.as_actor(staff("core.cases.read")).execute(
            CASE_DEMANDS, {"id": enquiry["caseId"]}
        )
    ).ok()["node"]
    assert [d["nature"] for d in case["demands"]] == ["VALUE", "FAILURE"]
    outbox = await _outbox(pdms_db)
    assert [(kind, to) for kind, to in outbox] == [
        ("member_portal_acknowledgement", "ada.member@members.example"),
        ("member_portal_assigned", "olive.officer@council.example"),
        ("member_portal_update_requested", "olive.officer@council.example"),
    ]
    # Another member cannot chase it: to them it does not exist.
    other = await change(
        graphql,
        world.neighbour,
        "memberPortalRequestUpdate",
        "",
        id=enquiry["id"],
        expectedVersion=chased["enquiry"]["version"],
    )
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]


async def _outbox(db):
    from sqlalchemy import text

    async with db.sessionmaker() as session:
        rows = await session.execute(
            text("SELECT kind, recipient FROM notification_outbox ORDER BY id")
        )
        return [tuple(row) for row in rows]
