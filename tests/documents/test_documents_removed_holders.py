"""A holder deleted for good takes its documents with it; none is left readable.

Documents name their holder by (type, id) without a foreign key. Removing an activity
soft-deletes its documents in the same transaction; a place retired by the gazetteer
that holds documents is kept as a historical place; and whatever path deletes a holder
row, a document whose holder no longer exists is out of everyone's reach (the document
row rule requires the holder row).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner
from problems.problem_steps import (
    RECORD_ACTIVITY,
    REMOVE_ACTIVITY,
    given_team,
    ok_payload,
    open_case,
)
from sqlalchemy import func, insert, select

from documents.conftest import OFFICER, pdf_bytes
from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.documents.models import Document
from pdms_core.graphql.node import global_id
from pdms_core.places.models import HISTORICAL, Place

DOCUMENT = """
query($id: ID!) { node(id: $id) { ... on Document { id title holderId holder { id } } } }
"""
ACTIVITY_DOCUMENTS = """
query($id: ID!) { node(id: $id) { ... on Activity { documents { nodes { id title } } } } }
"""
PLACE_DOCUMENTS = """
query($id: ID!) { node(id: $id) { ... on Place { documents { nodes { title } } } } }
"""
EVERYONE = Actor(
    kind=ActorKind.USER, id="user:all-seeing", display_name="All Seeing", all_permissions=True
)
GAZETTEER = Path(__file__).parent.parent / "fixtures" / "gazetteer"
#: The simple gazetteer fixture's number range, which its change file deletes.
RANGE = 990000100004


async def record_activity(client, case: dict, version: int) -> dict:
    result = await client.execute(
        RECORD_ACTIVITY,
        {
            "i": {
                "caseId": case["id"],
                "expectedVersion": version,
                "tasks": [{"categoryCode": "contact", "minutes": 5}],
            }
        },
    )
    return ok_payload(result, "recordActivity")["activity"]


async def test_removing_an_activity_deletes_its_documents(world, pdms_db):
    officer = world.as_actor(OFFICER)
    north = await given_team(pdms_db, "North Removals")
    south = await given_team(pdms_db, "South Removals")
    north_case = await open_case(officer, summary="Safeguarding visit", teamId=north)
    south_case = await open_case(officer, summary="Fence repair", teamId=south)
    activity = await record_activity(officer, north_case, 1)
    uploaded = await world.upload(OFFICER, activity["id"], pdf_bytes(), "visit-note.pdf")
    document = uploaded["document"]
    assert (await officer.execute(DOCUMENT, {"id": document["id"]})).ok()["node"]["title"]

    removed = await officer.execute(
        REMOVE_ACTIVITY, {"i": {"id": activity["id"], "expectedVersion": 2}}
    )
    ok_payload(removed, "removeActivity")

    # the document went with its activity: not readable, deleted by the remover
    assert (await officer.execute(DOCUMENT, {"id": document["id"]})).ok()["node"] is None
    async with pdms_db.sessionmaker() as session:
        row = await session.scalar(select(Document))
    assert row.deleted_at is not None and row.deleted_by_actor == OFFICER.id
    # a new activity on another team's case (on SQLite it may get the same id) holds
    # nothing of the removed one's
    later = await record_activity(officer, south_case, 1)
    listed = await officer.execute(ACTIVITY_DOCUMENTS, {"id": later["id"]})
    assert listed.ok()["node"]["documents"]["nodes"] == []


async def test_a_document_whose_holder_is_gone_is_unreadable_for_every_holder_type(world, pdms_db):
    # given a document of every declared holder type, each naming a row that does not
    # exist (as any path deleting a holder without its documents would leave it)
    case = (await open_case(world.as_actor(OFFICER), summary="Holder"))["id"]
    kept = (await world.upload(OFFICER, case, pdf_bytes(), "kept.pdf"))["document"]
    holders = world.host.document_holders
    async with pdms_db.sessionmaker() as session, session.begin():
        template = await session.scalar(select(Document))
        columns = {
            c.key: getattr(template, c.key)
            for c in Document.__table__.columns
            if c.key not in {"id", "holder_type", "holder_id", "store_key"}
        }
        orphans = {}
        for type_name, holder in holders.items():
            gone = (await session.scalar(select(func.max(holder.model.id))) or 0) + 1000
            orphans[type_name] = await session.scalar(
                insert(Document)
                .values(
                    **columns,
                    holder_type=type_name,
                    holder_id=gone,
                    store_key=f"2026/01/{type_name.lower():0>32.32}",
                )
                .returning(Document.id)
            )
    assert {"Person", "Place", "Case", "Demand", "Activity", "DummyWidget"} <= orphans.keys()

    # then not even a caller holding every permission reaches any of them
    everyone = world.as_actor(EVERYONE)
    assert (await everyone.execute(DOCUMENT, {"id": kept["id"]})).ok()["node"]["id"]
    for type_name, document_id in orphans.items():
        found = await everyone.execute(DOCUMENT, {"id": global_id("Document", document_id)})
        assert found.ok()["node"] is None, type_name


async def test_a_retired_place_holding_documents_is_kept_as_historical(world, pdms_host, pdms_db):
    cli = build_cli(CliState.for_host(pdms_host))

    async def gazetteer(name: str) -> str:
        path = str(GAZETTEER / name)
        args = ["gazetteer", "import", path, "--format", "simple"]
        result = await asyncio.to_thread(CliRunner().invoke, cli, args)
        assert result.exit_code == 0, result.output
        return result.stdout

    await gazetteer("simple.csv")
    async with pdms_db.sessionmaker() as session:
        place_id = await session.scalar(select(Place.id).where(Place.uprn == RANGE))
    place = global_id("Place", place_id)
    officer = world.as_actor(OFFICER)
    await world.upload(OFFICER, place, pdf_bytes(), "survey.pdf", title="Damp survey")

    # when the gazetteer deletes the UPRN, then the place stays (historical) with its
    # document, instead of vanishing and leaving the document without a holder
    output = await gazetteer("simple_changes.csv")
    assert "marked historical" in output
    async with pdms_db.sessionmaker() as session:
        status = await session.scalar(select(Place.logical_status).where(Place.id == place_id))
    assert status == HISTORICAL
    listed = await officer.execute(PLACE_DOCUMENTS, {"id": place})
    assert listed.ok()["node"]["documents"]["nodes"] == [{"title": "Damp survey"}]
