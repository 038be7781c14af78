"""GraphQL types for documents: the ``Document`` node, and the ``documents`` connection
that Person, Place, Case, Demand and Activity (and modules' holder types) carry.

A holder's documents load through one loader per field: one statement for every
holder of the batch, whatever their number (a window function numbers each holder's
documents, newest first, and keeps a page and one more of each).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.types import Info

from pdms_core.auth.models import StaffUser
from pdms_core.auth.staff_view import StaffMember
from pdms_core.db.cursors import check_first, decode_cursor, encode_cursor, within_database_range
from pdms_core.db.loaders import SessionLoader
from pdms_core.db.row_rules import restrict
from pdms_core.documents.lookups import READ
from pdms_core.documents.models import Document
from pdms_core.errors import PermissionDenied, ValidationFailed
from pdms_core.graphql.arguments import After, First
from pdms_core.graphql.node import ModelNode, global_id, lookup_value, row_of
from pdms_core.graphql.pagination import Connection, connection_of
from pdms_core.lookups.graphql import LookupValueNode

LINK_ACTION = "documentDownloadLink"


@strawberry.type(
    name="Document",
    description="A file held against a record (a person, place, case, demand, activity or "
    "a module's record): what it is, who added it, and a link to download it.",
)
class DocumentNode(ModelNode):
    # core.document.read holds on every path; the row rule (documents/holders.py)
    # keeps documents whose holder the caller cannot read out of every load.
    model = Document
    read_permission = READ
    personal_data = True

    id: relay.NodeID[int]
    title: str = strawberry.field(description="What the document is, in a few words.")
    file_name: str = strawberry.field(description="The uploaded file's name, made safe.")
    content_type: str = strawberry.field(
        description="The media type detected from the bytes, e.g. `application/pdf`."
    )
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the bytes, in hex.")
    uploaded_at: datetime = strawberry.field(description="When it was added.")
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when deleting."
    )

    @strawberry.field(description="Letter, photo, evidence ... (configurable).")
    def category(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.category_id)

    @strawberry.field(
        description="How long it is kept after upload (configurable, in years); "
        "`pdms documents purge` removes it after that."
    )
    def retention(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.retention_id)

    @strawberry.field(description="The staff member who added it; null for an API key or system.")
    def uploaded_by(self, info: Info) -> StaffMember | None:
        return row_of(info, StaffUser, self.uploaded_by_id)

    @strawberry.field(description="Global ID of the record holding the document.")
    def holder_id(self) -> strawberry.ID:
        return strawberry.ID(global_id(self.holder_type, self.holder_id))

    @strawberry.field(
        description="The record holding the document (a Person, Case ...), by the same rules "
        "as `node(id:)`; null if the caller cannot read it."
    )
    def holder(self, info: Info) -> relay.Node | None:
        holder = info.context.host.document_holders.get(self.holder_type)
        return None if holder is None else row_of(info, holder.model, self.holder_id)

    @strawberry.field(
        description="A link to download the file, made for the caller and working for a few "
        "minutes (`PDMS_DOCUMENT_LINK_SECONDS`): a path on this server, e.g. "
        "`/documents/12/content?...`. Asking for it is audited, as is every download."
    )
    async def download_url(self, info: Info) -> str:
        from pdms_core.audit.routes import audit_request
        from pdms_core.documents.links import mint_link

        context = info.context
        actor = context.actor
        if not actor.is_authenticated or not actor.id:
            raise PermissionDenied("Sign in to download documents.")
        link = mint_link(context.settings, self.id, actor.id)
        await audit_request(
            context.database,
            actor,
            context.client_ip,
            LINK_ACTION,
            "ok",
            [("Document", str(self.id))],
        )
        return link.url


@strawberry.type(description="A page of documents, newest first.")
class DocumentConnection(Connection[DocumentNode]):
    pass


class DocumentPagesByHolderLoader(SessionLoader[int, tuple[list[Any], bool]]):
    """A page of each holder's documents (newest first) and whether more follow.

    Parameters: ``holder_type``, ``size`` and ``before`` (the id after which the page
    starts, or None). The caller's row rule applies inside the numbering, so the page
    holds only documents the caller reaches.
    """

    missing = ([], False)

    async def load_many_from(
        self, session: AsyncSession, keys: Sequence[int]
    ) -> Mapping[int, tuple[list[Any], bool]]:
        size, before = self.params["size"], self.params["before"]
        rank = func.row_number().over(partition_by=Document.holder_id, order_by=Document.id.desc())
        numbered = select(Document.id, rank.label("rank")).where(
            Document.holder_type == self.params["holder_type"],
            Document.holder_id.in_(list(keys)),
        )
        if before is not None:
            numbered = numbered.where(Document.id < before)
        numbered = restrict(numbered, Document, self.actor).subquery()
        rows = await session.scalars(
            select(Document)
            .join(numbered, numbered.c.id == Document.id)
            .where(numbered.c.rank <= size + 1)
            .order_by(Document.holder_id, Document.id.desc())
        )
        pages: dict[int, list[Any]] = {}
        for row in rows:
            pages.setdefault(row.holder_id, []).append(row)
        return {key: (found[:size], len(found) > size) for key, found in pages.items()}


async def documents_connection(
    info: Info, holder_type: str, holder_id: int, first: int | None, after: str | None
) -> DocumentConnection:
    """The ``documents`` field of a holder type: its documents the caller may read.

    A module adds the field to its own holder type with :func:`documents_field`.
    """
    if not info.context.actor.has(READ):
        raise PermissionDenied(f"This needs the permission {READ}.")
    size = check_first(first)
    before = None
    if after is not None:
        (before,) = decode_cursor(after, 1, integers=True)
        if not within_database_range(before):
            raise ValidationFailed("The cursor is not valid for this list.", field="after")
    loader = info.context.loaders.get(
        DocumentPagesByHolderLoader, holder_type=holder_type, size=size, before=before
    )
    rows, has_next = await loader.load(holder_id)
    page = connection_of(
        rows,
        [encode_cursor([row.id]) for row in rows],
        has_next=has_next,
        has_previous=after is not None,
    )
    return DocumentConnection(edges=page.edges, page_info=page.page_info)


def documents_field(holder_type: str, noun: str) -> Any:
    """The ``documents`` field of a holder type, e.g. in a module's type::

        documents = documents_field("RentArrearsAccount", "rent account")

    Null (with a PERMISSION_DENIED error) for a caller without ``core.document.read``.
    """

    async def documents(
        self: Any, info: Info, first: First = None, after: After = None
    ) -> DocumentConnection | None:
        return await documents_connection(info, holder_type, self.id, first, after)

    return strawberry.field(
        resolver=documents,
        description=f"Documents held against this {noun}, newest first. "
        f"Requires the permission `{READ}`.",
    )


def check_holder_types(schema: Any, holders: Mapping[str, Any]) -> None:
    """Refuse to start when a declared holder does not match its GraphQL type: the type
    must exist, read rows of the holder's model, with the holder's read permission
    (so documents are read by exactly the rules that read their holder)."""
    from pdms_core.errors import PluginError

    for name, holder in holders.items():
        definition = schema.get_type_by_name(name)
        origin = getattr(definition, "origin", None)
        problem = None
        if origin is None:
            problem = "the schema has no such type"
        elif getattr(origin, "model", None) is not holder.model:
            problem = f"the type reads {getattr(origin, 'model', None)!r}, not {holder.model!r}"
        elif getattr(origin, "read_permission", None) != holder.read_permission:
            problem = (
                f"the type needs {getattr(origin, 'read_permission', None)!r}, "
                f"not {holder.read_permission!r}"
            )
        if problem is not None:
            raise PluginError(
                f"document holder {name!r} does not match its GraphQL type: {problem}"
            )
