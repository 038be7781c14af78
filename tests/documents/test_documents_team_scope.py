"""A document permission granted within a team acts on that team's cases only.

Reading a holder follows ``node(id:)``; uploading and deleting need their own
permission's reach too, as case writes do: a ``core.document.upload`` or
``core.document.delete`` granted within North does not reach South's case, however
widely its holder may read cases.
"""

from __future__ import annotations

import dataclasses

from problems.problem_steps import given_person, given_team, open_case
from sqlalchemy import func, select

from documents.conftest import DELETE, OFFICER, pdf_bytes
from pdms_core.documents.models import Document
from pdms_core.graphql.node import decode_id

SCOPED = ("core.document.upload", "core.document.delete")


def north_only(team: str):
    """OFFICER reading every case, uploading and deleting documents within ``team``."""
    team_id = decode_id(team, "Team")
    return dataclasses.replace(
        OFFICER,
        id="user:north-documents",
        global_permissions=OFFICER.permissions - set(SCOPED),
        team_grants=frozenset((code, team_id) for code in SCOPED),
    )


async def test_a_team_scoped_uploader_and_deleter_reach_only_their_teams_cases(world, pdms_db):
    officer = world.as_actor(OFFICER)
    north = await given_team(pdms_db, "Housing North")
    south = await given_team(pdms_db, "Housing South")
    north_case = await open_case(officer, summary="Mould in bathroom", teamId=north)
    south_case = await open_case(officer, summary="Leaking roof", teamId=south)
    south_document = (await world.upload(OFFICER, south_case["id"], pdf_bytes(), "a.pdf"))[
        "document"
    ]
    north_document = (await world.upload(OFFICER, north_case["id"], pdf_bytes(), "b.pdf"))[
        "document"
    ]
    scoped = north_only(north)
    assert scoped.teams_for("core.cases.read") is None  # reads every case

    # South's case: refused as if absent, nothing stored, nothing deleted
    refused = await world.upload(scoped, south_case["id"], pdf_bytes(), "c.pdf")
    assert refused["document"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("NOT_FOUND", "holderId")]
    kept = await world.as_actor(scoped).execute(DELETE, {"id": south_document["id"], "v": None})
    assert [(e["code"], e["field"]) for e in kept.ok()["deleteDocument"]["errors"]] == [
        ("NOT_FOUND", "id")
    ]
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 2
        assert (
            await session.scalar(select(func.count()).where(Document.deleted_at.isnot(None))) == 0
        )

    # North's case: both work
    added = await world.upload(scoped, north_case["id"], pdf_bytes(), "d.pdf")
    assert added["errors"] == [] and added["document"]["title"] == "d.pdf"
    deleted = await world.as_actor(scoped).execute(DELETE, {"id": north_document["id"], "v": None})
    assert deleted.ok()["deleteDocument"]["errors"] == []


async def test_a_team_scoped_uploader_still_files_against_people(world, pdms_db):
    # a person belongs to no team: the upload permission's team scope does not apply
    north = await given_team(pdms_db, "Housing North")
    person = await given_person(world.as_actor(OFFICER), "Rowan")
    added = await world.upload(north_only(north), person, pdf_bytes(), "id.pdf")
    assert added["errors"] == []
