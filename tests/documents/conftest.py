"""Fixtures for the documents tests: an app whose document store and secret key live in
the test's own directory, actors, sample files, and upload/download over HTTP."""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from documents.s3_server import s3_server  # noqa: F401 (the fixture, for this folder)
from pdms_core.app import create_app
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.host import PluginHost
from pdms_core.lookups.sync import sync_lookups
from pdms_core.testing.actors import HEADER, staff
from pdms_core.testing.client import GraphQLClient

DOCUMENTS = ("core.document.read", "core.document.upload", "core.document.delete")
OFFICER = staff(
    "core.people.read",
    "core.people.write",
    "core.places.read",
    "core.cases.read",
    "core.cases.write",
    "core.staff.read",
    *DOCUMENTS,
    name="Dora Docs",
)

UPLOAD = """
mutation($input: UploadDocumentInput!) {
  uploadDocument(input: $input) {
    document {
      id title fileName contentType size sha256 version holderId uploadedAt
      category { code } retention { code }
    }
    errors { code field message }
  }
}
"""
DELETE = """
mutation($id: ID!, $v: Int) {
  deleteDocument(id: $id, expectedVersion: $v) { document { id } errors { code field message } }
}
"""
LINK = "query($id: ID!) { node(id: $id) { ... on Document { downloadUrl } } }"


def pdf_bytes(text: str = "Notice of visit") -> bytes:
    """A small, well-formed PDF."""
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"3 0 obj\n<< /Length "
        + str(len(body)).encode()
        + b" >>\nstream\n"
        + body
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    header += b"\x00" * (0x3C - len(header)) + struct.pack("<I", 0x40)
    header += b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    return bytes(header)


@dataclass
class DocumentsWorld:
    """An app over the test database whose data directory is the test's own."""

    host: PluginHost
    app: Any
    client: GraphQLClient
    actors: Any

    def as_actor(self, actor: Any) -> GraphQLClient:
        return self.client.as_actor(actor)

    async def upload(
        self,
        actor: Any,
        holder_id: str,
        content: bytes,
        file_name: str,
        *,
        category: str = "evidence",
        declared: str = "application/octet-stream",
        raw: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """``uploadDocument`` as a GraphQL multipart request; its payload (``raw``: the
        whole response body)."""
        variables = {"input": {"holderId": holder_id, "file": None, "category": category, **fields}}
        answer = await self.as_actor(actor).post(
            data={
                "operations": json.dumps({"query": UPLOAD, "variables": variables}),
                "map": json.dumps({"0": ["variables.input.file"]}),
            },
            files={"0": (file_name, content, declared)},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if raw:
            return body
        assert not body.get("errors"), body["errors"]
        return body["data"]["uploadDocument"]

    async def link(self, actor: Any, document_id: str) -> str:
        result = await self.as_actor(actor).execute(LINK, {"id": document_id})
        return result.ok()["node"]["downloadUrl"]

    async def get(self, url: str, actor: Any = None) -> httpx.Response:
        """GET ``url`` on the app, with ``actor``'s test credentials (none: a bare link)."""
        headers = {HEADER: self.actors.token_for(actor)} if actor is not None else {}
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pdms.test") as http:
            return await http.get(url, headers=headers)


def world_for(pdms_host: PluginHost, pdms_db: Any, actors: Any, **changes: Any) -> DocumentsWorld:
    """A world whose settings differ from the suite's by ``changes``."""
    settings = pdms_host.settings.with_changes(**changes)
    host = PluginHost(settings, pdms_host.plugins, pdms_host.installed, pdms_host.pm)
    app = create_app(host=host, database=pdms_db)
    return DocumentsWorld(host, app, GraphQLClient(app, actors), actors)


@pytest.fixture
async def synced(pdms_db, pdms_host):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        await sync_lookups(session, pdms_host.lookup_sets)
    return pdms_db


@pytest.fixture
def world(pdms_host, synced, pdms_test_actors, tmp_path):
    """Documents kept under this test's directory (store and secret key)."""
    yield world_for(pdms_host, synced, pdms_test_actors, data_dir=tmp_path)
    pdms_test_actors.reset()
