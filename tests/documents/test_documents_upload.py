"""Uploading documents against records (GraphQL multipart) and listing them."""

from __future__ import annotations

import hashlib
import json

from problems.problem_steps import add_demand, given_person, given_team, open_case
from sqlalchemy import func, select

from documents.conftest import (
    DELETE,
    DOCUMENTS,
    OFFICER,
    UPLOAD,
    exe_bytes,
    pdf_bytes,
    png_bytes,
    world_for,
)
from pdms_core.documents.models import Document
from pdms_core.graphql.node import global_id
from pdms_core.testing.actors import staff

PERSON_DOCUMENTS = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Person {
      documents(first: $first, after: $after) {
        nodes { title fileName contentType size category { code } uploadedBy { displayName } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""
CASE_DOCUMENTS = """
query($id: ID!) {
  case(id: $id) {
    documents { nodes { title holder { id ... on Case { summary } } } }
    demands { documents { nodes { title holder { id } } } }
  }
}
"""
PEOPLE_DOCUMENTS = """
query($ids: [ID!]!) { nodes(ids: $ids) { ... on Person { documents { nodes { title } } } } }
"""


async def test_a_file_uploaded_to_a_person_is_listed_with_what_it_is(world, pdms_db):
    # given a person
    person = await given_person(world.as_actor(OFFICER), "Avery")

    # when an officer uploads a PDF and a photo (the client says nothing useful about type)
    content = pdf_bytes()
    first = await world.upload(
        OFFICER, person, content, "Tenancy agreement.pdf", title="  Tenancy   agreement "
    )
    assert first["errors"] == []
    document = first["document"]
    assert document["title"] == "Tenancy agreement"
    assert document["fileName"] == "Tenancy agreement.pdf"
    assert document["contentType"] == "application/pdf"
    assert document["size"] == len(content)
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["holderId"] == person
    assert document["category"] == {"code": "evidence"}
    assert document["retention"] == {"code": "standard"}  # the first active class
    photo = await world.upload(
        OFFICER, person, png_bytes(), "doorway.png", category="photo", retention="short"
    )
    assert photo["errors"] == []
    assert photo["document"]["title"] == "doorway.png"
    assert photo["document"]["retention"] == {"code": "short"}

    # then the person lists both, newest first, a page at a time
    officer = world.as_actor(OFFICER)
    page = (await officer.execute(PERSON_DOCUMENTS, {"id": person, "first": 1})).ok()
    documents = page["node"]["documents"]
    assert documents["nodes"] == [
        {
            "title": "doorway.png",
            "fileName": "doorway.png",
            "contentType": "image/png",
            "size": len(png_bytes()),
            "category": {"code": "photo"},
            "uploadedBy": None,  # a test actor is no stored staff user
        }
    ]
    assert documents["pageInfo"]["hasNextPage"] is True
    after = documents["pageInfo"]["endCursor"]
    rest = await officer.execute(PERSON_DOCUMENTS, {"id": person, "first": 5, "after": after})
    assert [d["title"] for d in rest.ok()["node"]["documents"]["nodes"]] == ["Tenancy agreement"]
    assert rest.ok()["node"]["documents"]["pageInfo"]["hasNextPage"] is False

    # and a colleague who may read the person but not documents gets no list
    no_documents = world.as_actor(staff("core.people.read", name="Nadia Nodocs"))
    refused = await no_documents.execute(PERSON_DOCUMENTS, {"id": person})
    assert refused.data == {"node": {"documents": None}}
    assert refused.error_codes() == ["PERMISSION_DENIED"]


async def test_cases_and_their_demands_hold_documents(world):
    officer = world.as_actor(OFFICER)
    case = await open_case(officer, summary="Damp in the back bedroom")
    demand = await add_demand(officer, case, case["version"], typeCode="rent", nature="VALUE")
    for holder, name in ((case["id"], "survey.pdf"), (demand["id"], "photo.png")):
        content = pdf_bytes() if name.endswith(".pdf") else png_bytes()
        assert (await world.upload(OFFICER, holder, content, name))["errors"] == []

    listed = (await officer.execute(CASE_DOCUMENTS, {"id": case["id"]})).ok()["case"]
    assert listed["documents"]["nodes"] == [
        {"title": "survey.pdf", "holder": {"id": case["id"], "summary": "Damp in the back bedroom"}}
    ]
    assert listed["demands"][0]["documents"]["nodes"] == [
        {"title": "photo.png", "holder": {"id": demand["id"]}}
    ]


async def test_documents_of_many_people_load_in_a_fixed_number_of_statements(world, sql_statements):
    officer = world.as_actor(OFFICER)
    people = [await given_person(officer, f"Person{n}") for n in range(4)]
    for person in people:
        for n in range(3):
            await world.upload(OFFICER, person, pdf_bytes(f"page {n}"), f"note-{n}.pdf")

    counts = []
    for ids in (people[:1], people):
        sql_statements.reset()
        result = await officer.execute(PEOPLE_DOCUMENTS, {"ids": ids})
        assert all(len(n["documents"]["nodes"]) == 3 for n in result.ok()["nodes"])
        counts.append(sql_statements.count)
    assert counts[0] == counts[1]


async def test_a_renamed_executable_is_refused_and_nothing_is_kept(world, pdms_db):
    person = await given_person(world.as_actor(OFFICER), "Blake")
    refused = await world.upload(
        OFFICER, person, exe_bytes(), "statement.pdf", declared="application/pdf"
    )
    assert refused["document"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "file")]
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 0
    stored = world.host.settings.data_dir / "documents"
    assert [path for path in stored.rglob("*") if path.is_file()] == []


async def test_typed_errors_for_what_cannot_be_uploaded(world, pdms_db):
    officer = world.as_actor(OFFICER)
    person = await given_person(officer, "Casey")
    team = await given_team(pdms_db, "Housing North")

    async def errors(holder, **fields):
        payload = await world.upload(OFFICER, holder, pdf_bytes(), "a.pdf", **fields)
        assert payload["document"] is None
        return [(e["code"], e["field"]) for e in payload["errors"]]

    assert await errors(person, category="no_such_category") == [("VALIDATION", "category")]
    assert await errors(person, retention="no_such_class") == [("VALIDATION", "retention")]
    assert await errors(person, title="x" * 201) == [("VALIDATION", "title")]
    assert await errors(team) == [("VALIDATION", "holderId")]  # teams hold no documents
    assert await errors("not-an-id") == [("VALIDATION", "holderId")]
    assert await errors(global_id("Person", 999_999)) == [("NOT_FOUND", "holderId")]

    # a caller who cannot read people cannot put documents on one either
    no_people = staff(*DOCUMENTS, "core.cases.read", name="Dee Nopeople")
    payload = await world.upload(no_people, person, pdf_bytes(), "a.pdf")
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("PERMISSION_DENIED", "holderId")
    ]
    # and without the upload permission the mutation itself is refused
    reader = staff("core.people.read", "core.document.read", name="Reed Only")
    body = await world.upload(reader, person, pdf_bytes(), "a.pdf", raw=True)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]
    async with pdms_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 0


async def test_a_module_record_holds_documents_through_the_hook(world, pdms_db):
    from pdms_dummy.models import Widget

    async with pdms_db.sessionmaker() as session, session.begin():
        widget = Widget(name="Sprocket")
        session.add(widget)
    widget_id = global_id("DummyWidget", widget.id)
    payload = await world.upload(OFFICER, widget_id, pdf_bytes(), "manual.pdf")
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("PERMISSION_DENIED", "holderId")  # the officer cannot read widgets
    ]
    widget_officer = staff(*DOCUMENTS, "dummy.widget.read", name="Wid Get")
    payload = await world.upload(widget_officer, widget_id, pdf_bytes(), "manual.pdf")
    assert payload["errors"] == []
    assert payload["document"]["holderId"] == widget_id


async def test_deleting_is_soft_and_checks_the_version(world, pdms_db):
    officer = world.as_actor(OFFICER)
    person = await given_person(officer, "Devon")
    document = (await world.upload(OFFICER, person, pdf_bytes(), "old.pdf"))["document"]

    stale = await officer.execute(DELETE, {"id": document["id"], "v": document["version"] + 1})
    assert [e["code"] for e in stale.ok()["deleteDocument"]["errors"]] == ["CONFLICT"]
    deleted = await officer.execute(DELETE, {"id": document["id"], "v": document["version"]})
    assert deleted.ok()["deleteDocument"]["errors"] == []

    listed = await officer.execute(PERSON_DOCUMENTS, {"id": person})
    assert listed.ok()["node"]["documents"]["nodes"] == []
    again = await officer.execute(DELETE, {"id": document["id"]})
    assert [e["code"] for e in again.ok()["deleteDocument"]["errors"]] == ["NOT_FOUND"]
    async with pdms_db.sessionmaker() as session:
        row = await session.scalar(select(Document))
    assert row.deleted_at is not None and row.deleted_by_actor == OFFICER.id


async def test_the_upload_size_limit_applies(pdms_host, synced, pdms_test_actors, tmp_path):
    world = world_for(
        pdms_host, synced, pdms_test_actors, data_dir=tmp_path, max_upload_bytes=4_000
    )
    person = await given_person(world.as_actor(OFFICER), "Jules")
    big = pdf_bytes("x" * 5_000)
    answer = await world.as_actor(OFFICER).post(
        data={
            "operations": json.dumps(
                {
                    "query": UPLOAD,
                    "variables": {
                        "input": {"holderId": person, "file": None, "category": "evidence"}
                    },
                }
            ),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("big.pdf", big, "application/pdf")},
    )
    assert answer.status_code == 413
    async with synced.sessionmaker() as session:
        assert await session.scalar(select(func.count(Document.id))) == 0
    pdms_test_actors.reset()
