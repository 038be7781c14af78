"""The module's measures, against figures worked out by hand."""

from __future__ import annotations

from member_portal_support import at, change, fix_clock, submitted
from pdms_core.testing.actors import staff

MEASURE = """
query($name: String!, $f: MeasureFilterInput) {
  measure(name: $name, filter: $f) { columns { name } rows }
}
"""
READER = staff("core.measures.read", name="Mel Measures")


async def _measure(graphql, name):
    # Rows come as text, as the measures' CSV writes them.
    result = await graphql.as_actor(READER).execute(
        MEASURE, {"name": f"member_portal.{name}", "f": None}
    )
    return result.ok()["measure"]["rows"]


async def _respond(graphql, world, monkeypatch, enquiry, day):
    fix_clock(monkeypatch, at(day))
    done = await change(
        graphql,
        world.coordinator,
        "memberPortalRespond",
        "",
        id=enquiry["id"],
        expectedVersion=enquiry["version"],
        text="Answered.",
    )
    assert done["errors"] == []


async def test_volume_response_times_and_repeats(graphql, world, monkeypatch):
    # Three highways enquiries on Wednesday 17 December 2025 (due 5 January 2026), two
    # about the same resident, answered after 2, 10 and 12 working days; one waste
    # enquiry, unanswered, whose member asks for an update.
    fix_clock(monkeypatch, at("2025-12-17"))
    resident = {"personId": world.person, "residentConsent": True}
    quick = await submitted(graphql, world.member, **resident)
    on_time = await submitted(graphql, world.other, **resident)
    late = await submitted(graphql, world.neighbour)
    waiting = await submitted(graphql, world.member, serviceArea="waste")
    await _respond(graphql, world, monkeypatch, quick, "2025-12-19")
    await _respond(graphql, world, monkeypatch, on_time, "2026-01-05")
    await _respond(graphql, world, monkeypatch, late, "2026-01-07")
    chased = await change(
        graphql,
        world.member,
        "memberPortalRequestUpdate",
        "",
        id=waiting["id"],
        expectedVersion=waiting["version"],
    )
    assert chased["errors"] == []

    assert await _measure(graphql, "volume_by_service_area") == [
        ["Place", "Highways", "3"],
        ["Place", "Waste and recycling", "1"],
    ]
    # 2 of 3 within the standard; median 10; p90 between 10 and 12 (inclusive method).
    assert await _measure(graphql, "response_times") == [["Highways", "3", "66.7", "10.0", "11.6"]]
    assert await _measure(graphql, "repeat_enquiries") == [
        ["Highways", "3", "1", "0"],
        ["Waste and recycling", "1", "0", "1"],
    ]
