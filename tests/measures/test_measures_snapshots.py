"""Saving, listing and fetching measure snapshots."""

from __future__ import annotations

from sqlalchemy import update

from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.demands.models import Demand
from pdms_core.graphql.node import global_id
from pdms_core.testing.actors import staff

SAVE = """mutation($i: SaveMeasureSnapshotInput!) { saveMeasureSnapshot(input: $i) {
  snapshot { id measure title asOf createdBy note
    filter { modules teamIds from to wards postcodeAreas bucket }
    result { name title rows csv } }
  errors { code field message } } }"""
LIST = """query($m: String, $first: Int, $after: String) {
  measureSnapshots(measure: $m, first: $first, after: $after) {
    nodes { id measure title } pageInfo { hasNextPage endCursor } } }"""
ONE = """query($id: ID!) { measureSnapshot(id: $id) { title result { rows } } }"""
LIVE = """query($f: MeasureFilterInput) { measure(name: "failure_demand", filter: $f) { rows } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on MeasureSnapshot { measure asOf } } }"""

ANALYST = staff("core.measures.read", "core.measures.snapshot", name="Fictional Analyst")


async def save(client, **given):
    result = await client.execute(SAVE, {"i": given})
    return result.ok()["saveMeasureSnapshot"]


async def test_a_snapshot_freezes_the_table_with_its_filter_and_author(graphql, pdms_db, council):
    analyst = graphql.as_actor(ANALYST)
    north = global_id("Team", council.teams["north"])
    payload = await save(
        analyst,
        measure="failure_demand",
        filter={"teamIds": [north], "from": "2024-01-01", "to": "2024-12-31", "bucket": "YEAR"},
        asOf="2024-12-31",
        note="  Year end, north team.  ",
    )
    assert payload["errors"] == []
    snapshot = payload["snapshot"]
    assert {k: snapshot[k] for k in ("measure", "title", "asOf", "createdBy", "note")} == {
        "measure": "failure_demand",
        "title": "Failure-demand share",
        "asOf": "2024-12-31",
        "createdBy": "Fictional Analyst",
        "note": "Year end, north team.",
    }
    assert snapshot["filter"] == {
        "modules": [],
        "teamIds": [north],
        "from": "2024-01-01",
        "to": "2024-12-31",
        "wards": [],
        "postcodeAreas": [],
        "bucket": "YEAR",
    }
    # D1 value, D3 and D4 failure
    assert snapshot["result"]["rows"] == [["3", "2", "0.6667"]]
    assert snapshot["result"]["csv"] == ("demands,failure_demands,failure_share\r\n3,2,0.6667\r\n")

    # when D1 is reclassified as failure demand, the live measure changes ...
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await session.execute(
            update(Demand).where(Demand.id == council.demands["D1"]).values(nature="failure")
        )
    live = await analyst.execute(LIVE, {"f": {"teamIds": [north], "to": "2024-12-31"}})
    assert live.ok()["measure"]["rows"] == [["3", "3", "1.0"]]
    # ... and the snapshot stays as it was
    again = (await analyst.execute(ONE, {"id": snapshot["id"]})).ok()["measureSnapshot"]
    assert again == {"title": "Failure-demand share", "result": {"rows": [["3", "2", "0.6667"]]}}
    found = (await analyst.execute(NODE, {"id": snapshot["id"]})).ok()["node"]
    assert found == {"measure": "failure_demand", "asOf": "2024-12-31"}


async def test_snapshots_list_newest_first_in_pages_and_by_measure(graphql, council):
    analyst = graphql.as_actor(ANALYST)
    for measure, title in [
        ("root_causes", "Causes Q1"),
        ("activity_time", "Time"),
        ("root_causes", "Causes Q2"),
    ]:
        assert (await save(analyst, measure=measure, title=title))["errors"] == []
    first = (await analyst.execute(LIST, {"first": 2})).ok()["measureSnapshots"]
    assert [n["title"] for n in first["nodes"]] == ["Causes Q2", "Time"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (
        await analyst.execute(LIST, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    ).ok()["measureSnapshots"]
    assert [n["title"] for n in rest["nodes"]] == ["Causes Q1"]
    assert rest["pageInfo"]["hasNextPage"] is False
    causes = (await analyst.execute(LIST, {"m": "root_causes"})).ok()["measureSnapshots"]
    assert [n["title"] for n in causes["nodes"]] == ["Causes Q2", "Causes Q1"]


async def test_saving_an_unknown_measure_or_a_bad_filter_is_a_typed_error(graphql, council):
    analyst = graphql.as_actor(ANALYST)
    unknown = await save(analyst, measure="happiness")
    assert unknown == {
        "snapshot": None,
        "errors": [
            {
                "code": "NOT_FOUND",
                "field": "measure",
                "message": "There is no measure called 'happiness'.",
            }
        ],
    }
    bad = await save(analyst, measure="root_causes", filter={"wards": ["nowhere"]})
    assert bad["errors"][0]["code"] == "VALIDATION"
    assert bad["errors"][0]["field"] == "wards"
    listed = (await analyst.execute(LIST)).ok()["measureSnapshots"]["nodes"]
    assert listed == []


async def test_saving_needs_the_snapshot_permission_and_reading_the_read_one(graphql, council):
    reader = graphql.as_actor(staff("core.measures.read"))
    denied = await reader.execute(SAVE, {"i": {"measure": "root_causes"}})
    assert denied.error_codes() == ["PERMISSION_DENIED"]
    assert "core.measures.snapshot" in denied.errors[0]["message"]
    saved = await save(graphql.as_actor(ANALYST), measure="root_causes")
    snapshot_id = saved["snapshot"]["id"]
    outsider = graphql.as_actor(staff("core.measures.snapshot"))
    for document, variables in [
        (LIST, {}),
        (ONE, {"id": snapshot_id}),
        (NODE, {"id": snapshot_id}),
    ]:
        result = await outsider.execute(document, variables)
        assert result.error_codes() == ["PERMISSION_DENIED"], document
