"""Photos attach to tickets: tickets are document holders, listed on the ticket."""

from __future__ import annotations

import json
import struct
import zlib

from env_tickets_support import LAT, LON, report
from pdms_core.testing.actors import staff

UPLOAD = """
mutation($input: UploadDocumentInput!) {
  uploadDocument(input: $input) { document { id fileName holderId } errors { code field } }
}
"""
DOCUMENTS = """
query($id: ID!) {
  node(id: $id) { ... on EnvTicketsTicket { documents { edges { node { fileName } } } } }
}
"""
CREW = staff(
    "env_tickets.ticket.read",
    "env_tickets.ticket.write",
    "core.document.read",
    "core.document.upload",
    name="Crew Member",
)


def png() -> bytes:
    """A 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_a_photo_is_stored_on_the_ticket(graphql, world):
    ticket = (await report(graphql, latitude=LAT, longitude=LON))["ticket"]
    variables = {"input": {"holderId": ticket["id"], "file": None, "category": "evidence"}}
    answer = await graphql.as_actor(CREW).post(
        data={
            "operations": json.dumps({"query": UPLOAD, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("tipping.png", png(), "image/png")},
    )
    payload = answer.json()["data"]["uploadDocument"]
    assert payload["errors"] == []
    assert payload["document"]["holderId"] == ticket["id"]
    listed = await graphql.as_actor(CREW).execute(DOCUMENTS, {"id": ticket["id"]})
    edges = listed.ok()["node"]["documents"]["edges"]
    assert [e["node"]["fileName"] for e in edges] == ["tipping.png"]
