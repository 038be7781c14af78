"""Same issue raised by several members, linking, dashboard filters and counts, and the
daily command (auto-close, deadline warnings, digest)."""

from __future__ import annotations

from datetime import timedelta

from member_portal_support import LAT, LON, at, change, fix_clock, node, submitted
from pdms_core.plugin import add_working_days, core_tables, global_id, today, unit_of_work
from pdms_core.testing.cli import run_pdms
from sqlalchemy import insert, text

SAME = """
query($id: ID!) { memberPortalSameIssue(id: $id) { distanceM enquiry { reference } } }
"""
DASHBOARD = """
query($filters: MemberPortalFilterInput) {
  memberPortalDashboard(filters: $filters) {
    counts { new inProgress completed overdue dueToday }
    enquiries { reference }
  }
}
"""


async def _place_north_of(db, metres: float, uprn: int) -> str:
    async with unit_of_work(db.sessionmaker) as session:
        place = (
            await session.execute(
                insert(core_tables.place).values(
                    uprn=uprn,
                    single_line_address=f"{uprn} Imaginary Row, Testbury",
                    latitude=LAT + metres / 111_195.0,
                    longitude=LON,
                    version=1,
                )
            )
        ).inserted_primary_key[0]
    return global_id("Place", place)


async def test_several_members_on_the_same_issue_are_flagged_and_answered_once(
    graphql, world, pdms_db
):
    first = await submitted(graphql, world.member, placeId=world.place)
    near = await submitted(
        graphql, world.other, placeId=await _place_north_of(pdms_db, 80, 200000000001)
    )
    await submitted(graphql, world.other, placeId=await _place_north_of(pdms_db, 150, 200000000002))
    await submitted(graphql, world.neighbour, placeId=world.place, serviceArea="parks")
    await submitted(graphql, world.member, placeId=world.place)  # the same member again
    result = await graphql.as_actor(world.coordinator).execute(SAME, {"id": first["id"]})
    assert result.ok()["memberPortalSameIssue"] == [
        {"distanceM": 80.0, "enquiry": {"reference": near["reference"]}}
    ]
    # The raising member is not told about an enquiry they cannot see.
    result = await graphql.as_actor(world.member).execute(SAME, {"id": first["id"]})
    assert result.ok()["memberPortalSameIssue"] == []

    linked = await change(
        graphql,
        world.coordinator,
        "memberPortalLink",
        "",
        id=near["id"],
        expectedVersion=near["version"],
        toId=first["id"],
    )
    assert linked["errors"] == [] and linked["enquiry"]["linkedToId"] == first["id"]
    self_link = await change(
        graphql,
        world.coordinator,
        "memberPortalLink",
        "",
        id=first["id"],
        expectedVersion=first["version"],
        toId=near["id"],
    )
    # Linking back would make a loop: near is already answered with first.
    assert [e["code"] for e in self_link["errors"]] == ["VALIDATION"]
    answered = await change(
        graphql,
        world.coordinator,
        "memberPortalRespond",
        "",
        id=first["id"],
        expectedVersion=first["version"],
        text="Resurfacing the whole row in March.",
    )
    assert answered["errors"] == []
    other_view = await node(graphql, world.other, near["id"])
    assert other_view["status"] == "responded"
    assert other_view["history"][-1]["text"] == "Resurfacing the whole row in March."
    async with pdms_db.sessionmaker() as session:
        sent = await session.execute(
            text(
                "SELECT recipient FROM notification_outbox "
                "WHERE kind = 'member_portal_response' ORDER BY recipient"
            )
        )
        assert [r for (r,) in sent] == [
            "ada.member@members.example",
            "otto.other@members.example",
        ]


async def test_dashboard_filters_and_counts(graphql, world, monkeypatch):
    fix_clock(monkeypatch, at("2025-11-03"))
    old = await submitted(
        graphql, world.member, personId=world.person, residentConsent=True, serviceArea="housing"
    )
    fix_clock(monkeypatch, at(today().isoformat(), 9))
    await submitted(graphql, world.other, enquiryType="complaint", serviceArea="highways")
    answered = await submitted(graphql, world.neighbour, serviceArea="schools")
    await change(
        graphql,
        world.coordinator,
        "memberPortalRespond",
        "",
        id=answered["id"],
        expectedVersion=answered["version"],
        text="Done.",
    )
    await change(
        graphql,
        world.coordinator,
        "memberPortalAssign",
        "",
        id=old["id"],
        expectedVersion=old["version"],
        leadOfficerId=world.officer_id,
    )
    due_today = None
    for back in range(1, 30):  # submitted so that 10 working days end today
        day = today() - timedelta(days=back)
        if add_working_days(day, 10) == today():
            due_today = day
            break
    if due_today is not None:
        fix_clock(monkeypatch, at(due_today.isoformat()))
        await submitted(graphql, world.other, serviceArea="waste")

    async def board(filters=None):
        result = await graphql.as_actor(world.coordinator).execute(DASHBOARD, {"filters": filters})
        return result.ok()["memberPortalDashboard"]

    everything = (await board())["counts"]
    assert everything == {
        "new": 2 if due_today else 1,
        "inProgress": 1,
        "completed": 1,
        "overdue": 1,
        "dueToday": 1 if due_today else 0,
    }
    assert [e["reference"] for e in (await board({"overdue": True}))["enquiries"]] == [
        old["reference"]
    ]
    for filters in (
        {"surname": "resident"},
        {"directorate": "People", "division": "north", "status": "acknowledged"},
        {"memberEmail": "ADA.member@members.example"},
        {"reference": old["reference"].lower()},
        {"serviceArea": "housing", "enquiryType": "service_request"},
    ):
        got = await board(filters)
        assert [e["reference"] for e in got["enquiries"]] == [old["reference"]], filters
    assert (await board({"enquiryType": "nonsense"}))["enquiries"] == []
    assert (await board({"directorate": "Resources"}))["counts"]["inProgress"] == 0


async def test_the_daily_command_closes_warns_and_digests(
    graphql, world, pdms_db, pdms_host, monkeypatch
):
    fix_clock(monkeypatch, at("2025-12-17"))
    answered = await submitted(graphql, world.member, subject="Answered one")
    waiting = await submitted(graphql, world.member, subject="Waiting one")
    for enquiry in (answered, waiting):
        done = await change(
            graphql,
            world.coordinator,
            "memberPortalAssign",
            "",
            id=enquiry["id"],
            expectedVersion=enquiry["version"],
            leadOfficerId=world.officer_id,
        )
        enquiry["version"] = done["enquiry"]["version"]
    fix_clock(monkeypatch, at("2026-01-05"))
    await change(
        graphql,
        world.officer,
        "memberPortalRespond",
        "",
        id=answered["id"],
        expectedVersion=answered["version"],
        text="Sorted.",
    )
    settings = pdms_host.plugin("member_portal").settings
    monkeypatch.setattr(settings, "coordinators_email", "coordinators@council.example")
    early = await run_pdms(pdms_host, "member_portal", "daily", "--on", "2026-01-09")
    assert "0 closed, 1 deadline warnings, digest queued" in early.output
    later = await run_pdms(pdms_host, "member_portal", "daily", "--on", "2026-01-12")
    assert "1 closed, 1 deadline warnings, digest queued" in later.output
    again = await run_pdms(pdms_host, "member_portal", "daily", "--on", "2026-01-12")
    assert "0 closed, 0 deadline warnings, no digest" in again.output
    closed = await node(graphql, world.member, answered["id"])
    assert closed["status"] == "closed" and closed["closesOn"] is None
    async with pdms_db.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT kind, recipient, subject FROM notification_outbox "
                "WHERE kind IN ('member_portal_deadline', 'member_portal_digest') ORDER BY id"
            )
        )
        found = [tuple(r) for r in rows]
    assert found == [
        (
            "member_portal_deadline",
            "olive.officer@council.example",
            f"Member enquiry {waiting['reference']} is overdue",
        ),
        (
            "member_portal_digest",
            "coordinators@council.example",
            "Member enquiries on 9 January 2026",
        ),
        (
            "member_portal_deadline",
            "olive.officer@council.example",
            f"Member enquiry {waiting['reference']} is overdue",
        ),
        (
            "member_portal_digest",
            "coordinators@council.example",
            "Member enquiries on 12 January 2026",
        ),
    ]
