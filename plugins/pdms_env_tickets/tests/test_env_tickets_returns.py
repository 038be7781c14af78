"""The fly-tipping return, against a hand-computed fixture, and the module's measures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from env_tickets_support import LAT, LON, OFFICER, report
from pdms_core.testing.actors import staff
from sqlalchemy import update

from pdms_env_tickets.geo import offset_north
from pdms_env_tickets.models import Ticket

FIXTURE = Path(__file__).parent / "fixtures" / "fly_tipping_return_2026_q3.csv"
RETURN = "query($q: Date!) { envTicketsFlyTippingReturn(quarterStart: $q) }"
MEASURE = """
query($name: String!, $f: MeasureFilterInput) {
  measure(name: $name, filter: $f) { columns { name } rows }
}
"""
SET_STATUS = """
mutation($id: ID!, $v: Int!, $status: String!) {
  envTicketsSetStatus(id: $id, expectedVersion: $v, status: $status) { errors { code } }
}
"""
JOIN = """
mutation($id: ID!) {
  envTicketsAddInterestedParty(input: {ticketId: $id, name: "Again"}) { errors { code } }
}
"""
MEASURES_READER = staff("core.measures.read", name="Mel Measures")


async def _fly(graphql, size=None, land=None, waste=None, metres=0.0, **extra):
    lat, lon = offset_north(LAT, LON, metres)
    payload = await report(
        graphql,
        latitude=lat,
        longitude=lon,
        flyTipping={"size": size, "landType": land, "wasteType": waste},
        **extra,
    )
    assert payload["errors"] == []
    return payload["ticket"]


async def _reported_at(db, ticket, when: datetime) -> None:
    from pdms_core.plugin import decode_id

    async with db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Ticket)
            .where(Ticket.id == decode_id(ticket["id"], "EnvTicketsTicket"))
            .values(reported_at=when)
        )


async def test_the_fly_tipping_return_matches_the_hand_computed_fixture(graphql, world, pdms_db):
    # given a quarter's fly-tipping (UK dates: 00:30 BST on 1 July is 23:30 UTC on 30 June)
    inside = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
    tickets = [
        (await _fly(graphql, "car_boot", "highway", "other_household"), inside),
        (await _fly(graphql, "car_boot", "highway", "other_household"), inside),
        (
            await _fly(graphql, "single_black_bag", "footpath_bridleway", "black_bags_household"),
            datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
        ),
        (await _fly(graphql, "transit_van", None, "white_goods"), inside),
    ]
    # and what the return leaves out: a duplicate, another type, the next quarter's
    duplicate = await _fly(graphql, "car_boot", "highway", "other_household")
    marked = await graphql.as_actor(OFFICER).execute(
        SET_STATUS, {"id": duplicate["id"], "v": duplicate["version"], "status": "duplicate"}
    )
    assert marked.ok()["envTicketsSetStatus"]["errors"] == []
    tickets.append((duplicate, inside))
    graffiti = await report(graphql, typeCode="graffiti", latitude=LAT, longitude=LON)
    tickets.append((graffiti["ticket"], inside))
    late = await _fly(graphql, "small_van", "council_land", "green")
    tickets.append((late, datetime(2026, 9, 30, 23, 30, tzinfo=UTC)))
    for ticket, when in tickets:
        await _reported_at(pdms_db, ticket, when)

    # when the return for July to September is asked for
    result = await graphql.as_actor(OFFICER).execute(RETURN, {"q": "2026-07-01"})

    # then it is the fixture, byte for byte
    assert result.ok()["envTicketsFlyTippingReturn"] == FIXTURE.read_bytes().decode()


async def test_a_quarter_must_start_a_quarter_and_needs_the_permission(graphql, world):
    bad = await graphql.as_actor(OFFICER).execute(RETURN, {"q": "2026-07-02"})
    assert bad.data is None or bad.data.get("envTicketsFlyTippingReturn") is None
    assert bad.errors
    denied = await graphql.as_actor(staff("env_tickets.ticket.read")).execute(
        RETURN, {"q": "2026-07-01"}
    )
    assert denied.error_codes() == ["PERMISSION_DENIED"]


async def _measure(graphql, name, **filter):
    result = await graphql.as_actor(MEASURES_READER).execute(
        MEASURE, {"name": f"env_tickets.{name}", "f": filter or None}
    )
    return result.ok()["measure"]["rows"]


async def test_measures_count_volume_failure_share_duplicates_and_hotspots(graphql, world):
    # given two fly-tipping reports at the place, a graffiti report 2 km away, one chaser
    at_place = await report(graphql, uprn=str(world.place_uprn))
    assert at_place["errors"] == []
    await report(graphql, uprn=str(world.place_uprn))
    far = offset_north(LAT, LON, 2000)
    graffiti = await report(graphql, typeCode="graffiti", latitude=far[0], longitude=far[1])
    joined = await graphql.as_actor(OFFICER).execute(JOIN, {"id": at_place["ticket"]["id"]})
    assert joined.ok()["envTicketsAddInterestedParty"]["errors"] == []
    closed = await graphql.as_actor(OFFICER).execute(
        SET_STATUS,
        {"id": graffiti["ticket"]["id"], "v": graffiti["ticket"]["version"], "status": "fixed"},
    )
    assert closed.ok()["envTicketsSetStatus"]["errors"] == []

    assert await _measure(graphql, "volume_by_type_and_ward") == [
        ["fly_tipping", "Fly-tipping", "E05000001", "2"],
        ["graffiti", "Graffiti", None, "1"],
    ]
    assert await _measure(graphql, "volume_by_type_and_ward", wards=["E05000001"]) == [
        ["fly_tipping", "Fly-tipping", "E05000001", "2"],
    ]
    assert await _measure(graphql, "failure_demand_share") == [
        ["fly_tipping", "2", "1", "33.3"],
        ["graffiti", "1", "0", "0.0"],
    ]
    assert await _measure(graphql, "duplicates_caught") == [["fly_tipping", "1", "0"]]
    spots = await _measure(graphql, "hotspots")
    assert [(s[0].split(":")[0], s[1], s[-1]) for s in spots] == [
        ("place", "1 Fictional Lane, Testbury, TB1 1AA", "2"),
        ("cell", "", "1"),
    ]
    [closing] = await _measure(graphql, "time_to_close")
    assert closing[:2] == ["graffiti", "1"]
    assert await _measure(graphql, "volume_by_type_and_ward", modules=["rent_arrears"]) == []


def test_the_command_line_writes_the_return(pdms_settings, pdms_db, pdms_host, tmp_path):
    import os
    import subprocess
    import sys
    from importlib.metadata import entry_points

    if "env_tickets" not in {entry.name for entry in entry_points(group="pdms")}:
        return  # the pdms command finds the module once it is installed
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env["PDMS_DATABASE_URL"] = pdms_settings.database_url
    env["PDMS_PLUGINS"] = "env_tickets"
    out = tmp_path / "return.csv"
    args = [str(pdms), "env_tickets", "fly-tipping-return", "--quarter-start"]
    done = subprocess.run(
        [*args, "2026-07-01", "-o", str(out)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().decode().endswith("2026-07-01,2026-09-30,Total,,,0\r\n")
    refused = subprocess.run(
        [*args, "2026-07-02"], env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode != 0 and "quarter starts on 1 January" in refused.stderr
