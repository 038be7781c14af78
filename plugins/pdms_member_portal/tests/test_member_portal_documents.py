"""Supporting documents are held on enquiries and follow the enquiry's reach rule."""

from __future__ import annotations

import json

from member_portal_support import MEMBER_PERMS, submitted, user

UPLOAD = """
mutation($input: UploadDocumentInput!) {
  uploadDocument(input: $input) { document { id fileName holderId } errors { code field } }
}
"""
DOCUMENTS = """
query($id: ID!) {
  node(id: $id) { ... on MemberPortalEnquiry { documents { edges { node { fileName } } } } }
}
"""
DOCUMENT = "query($id: ID!) { node(id: $id) { ... on Document { fileName } } }"
DOCUMENT_PERMS = ("core.document.read", "core.document.upload")


def _with_documents(actor):
    return user(int(actor.id.split(":")[1]), actor.display_name, (*MEMBER_PERMS, *DOCUMENT_PERMS))


async def _upload(graphql, actor, holder):
    variables = {"input": {"holderId": holder, "file": None, "category": "evidence"}}
    answer = await graphql.as_actor(actor).post(
        data={
            "operations": json.dumps({"query": UPLOAD, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("letter.txt", b"Dear councillor, the bins again.", "text/plain")},
    )
    return answer.json()["data"]["uploadDocument"]


async def test_a_member_attaches_a_document_only_their_enquiries_show_it(graphql, world):
    member, neighbour = _with_documents(world.member), _with_documents(world.neighbour)
    enquiry = await submitted(graphql, world.member)
    stored = await _upload(graphql, member, enquiry["id"])
    assert stored["errors"] == [] and stored["document"]["holderId"] == enquiry["id"]
    listed = (await graphql.as_actor(member).execute(DOCUMENTS, {"id": enquiry["id"]})).ok()
    assert [e["node"]["fileName"] for e in listed["node"]["documents"]["edges"]] == ["letter.txt"]
    document = stored["document"]["id"]
    seen = (await graphql.as_actor(member).execute(DOCUMENT, {"id": document})).ok()
    assert seen["node"] == {"fileName": "letter.txt"}
    # Another member: the document and its enquiry are out of reach, and so is uploading.
    hidden = (await graphql.as_actor(neighbour).execute(DOCUMENT, {"id": document})).ok()
    assert hidden["node"] is None
    refused = await _upload(graphql, neighbour, enquiry["id"])
    assert refused["document"] is None and refused["errors"]
