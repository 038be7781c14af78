"""Building Word templates in the test, uploading them, and reading letters back."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from docx import Document as WordDocument
from sqlalchemy import insert
from strawberry import relay

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.core_tables import core_tables
from pdms_core.documents.models import Document
from pdms_core.documents.storage import document_store
from pdms_core.graphql.node import global_id

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

UPLOAD = """
mutation($input: UploadLetterTemplateInput!) {
  uploadLetterTemplate(input: $input) {
    template { id purpose name fileName sha256 sizeBytes mergeFields isActive uploadedBy version }
    errors { code field message }
  }
}
"""
GENERATE = """
mutation($input: GenerateLetterInput!) {
  generateLetter(input: $input) {
    document { id title fileName contentType holderId category { code } }
    errors { code field message }
  }
}
"""
FIELDS = """
query($purpose: String!, $holderId: ID!, $templateId: ID) {
  letterFields(purpose: $purpose, holderId: $holderId, templateId: $templateId) {
    template { name }
    fields { name value missing }
    missing { name missing }
    ready
  }
}
"""


def word_file(
    paragraphs: Sequence[str],
    table: Sequence[Sequence[str]] = (),
    header: str | None = None,
) -> bytes:
    """A .docx with one paragraph per item and, when given, a table of those rows."""
    document = WordDocument()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_text(content: bytes) -> tuple[list[str], list[list[str]]]:
    """The paragraphs' text and each table's rows of cell text, as Word would show them."""
    document = WordDocument(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]
    return paragraphs, cells


async def upload(
    client: Any,
    purpose: str,
    name: str,
    content: bytes,
    file_name: str = "template.docx",
    content_type: str = DOCX_TYPE,
) -> dict[str, Any]:
    """Upload a template as a multipart request; the mutation's payload."""
    operations = {
        "query": UPLOAD,
        "variables": {"input": {"purpose": purpose, "name": name, "file": None}},
    }
    response = await client.post(
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (file_name, content, content_type)},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["uploadLetterTemplate"]


async def stored_bytes(db: Any, settings: Any, document_gid: str) -> bytes:
    """The bytes the document store holds for a document (by its global ID)."""
    document_id = int(relay.GlobalID.from_id(document_gid).node_id)
    async with db.sessionmaker() as session:
        row = await session.get(Document, document_id)
    return await document_store(settings).get(row.store_key)


async def add_place(db: Any, **parts: Any) -> str:
    async with db.sessionmaker() as session, session.begin():
        result = await session.execute(insert(core_tables.place).values(**parts))
        return global_id("Place", result.inserted_primary_key[0])


async def add_officer(db: Any, name: str, team: str | None, *permissions: str) -> Actor:
    """A signed-in staff user (a real row, in a real team) holding ``permissions``."""
    from pdms_core.auth.models import StaffUser, Team, TeamMembership

    async with db.sessionmaker() as session, session.begin():
        user = StaffUser(email=f"{name.split()[0].lower()}@council.invalid", display_name=name)
        user.email_key = user.email
        session.add(user)
        await session.flush()
        if team is not None:
            row = Team(module="core", code=team.lower().replace(" ", "_"), name=team)
            session.add(row)
            await session.flush()
            session.add(TeamMembership(team_id=row.id, user_id=user.id))
    return Actor(
        kind=ActorKind.USER,
        id=f"user:{user.id}",
        display_name=name,
        permissions=frozenset(permissions),
    )


#: Runs as Word writes a paragraph someone typed, corrected and bookmarked: the merge
#: fields split into several runs (a change of formatting, a spelling mark, a bookmark
#: between the pieces, even between the two braces).
WORD_SHAPED_PARAGRAPHS = (
    # "{{ salutation }}," with the braces and the name cut apart, a spelling mark round it
    "<w:r><w:t>{</w:t></w:r>"
    "<w:r><w:rPr><w:b/></w:rPr><w:t>{ </w:t></w:r>"
    '<w:proofErr w:type="spellStart"/>'
    "<w:r><w:t>salu</w:t></w:r>"
    "<w:r><w:rPr><w:i/></w:rPr><w:t>tation</w:t></w:r>"
    '<w:proofErr w:type="spellEnd"/>'
    '<w:r><w:t xml:space="preserve"> }},</w:t></w:r>',
    # "{{ full_name }} of {{ correspondence_address }}" with a bookmark inside a field
    '<w:r><w:t xml:space="preserve">{{ full_</w:t></w:r>'
    '<w:bookmarkStart w:id="0" w:name="_GoBack"/>'
    '<w:r><w:t xml:space="preserve">name }} of </w:t></w:r>'
    '<w:bookmarkEnd w:id="0"/>'
    "<w:r><w:t>{{</w:t></w:r>"
    '<w:proofErr w:type="gramStart"/>'
    '<w:r><w:t xml:space="preserve"> correspondence_address</w:t></w:r>'
    '<w:proofErr w:type="gramEnd"/>'
    '<w:r><w:t xml:space="preserve"> }</w:t></w:r>'
    "<w:r><w:t>}</w:t></w:r>",
    # "{% if officer_team %}From {{ officer_team }}{% endif %}" cut at the percent signs
    "<w:r><w:t>{</w:t></w:r>"
    '<w:r><w:t xml:space="preserve">% if officer_</w:t></w:r>'
    '<w:proofErr w:type="spellStart"/>'
    '<w:r><w:t xml:space="preserve">team %</w:t></w:r>'
    '<w:proofErr w:type="spellEnd"/>'
    '<w:r><w:t xml:space="preserve">}From {{ officer_team }}{% endif %}</w:t></w:r>',
)


def word_shaped_file(paragraphs: Sequence[str] = WORD_SHAPED_PARAGRAPHS) -> bytes:
    """A .docx whose paragraphs are the given runs' XML, as Word itself writes them."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = WordDocument()
    body = document.element.body
    for runs in paragraphs:
        body.insert(len(body) - 1, parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
