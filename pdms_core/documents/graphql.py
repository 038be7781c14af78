"""Document mutations: upload a file against a record, and delete one (softly)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.types import Info

from pdms_core.documents import services
from pdms_core.documents.holders import holder_named
from pdms_core.documents.lookups import DELETE, UPLOAD
from pdms_core.documents.types import DocumentNode
from pdms_core.errors import ValidationFailed
from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field

DocumentPayload = payload_type(
    "DocumentPayload",
    "document",
    DocumentNode,
    description="Result of adding or deleting a document.",
)


@strawberry.input(description="A file to keep against a record.")
class UploadDocumentInput:
    holder_id: strawberry.ID = strawberry.field(
        description="Global ID of the record to hold it: a Person, Place, Case, Demand, "
        "Activity, or a module's record type that holds documents."
    )
    file: Upload = strawberry.field(
        description="The file, as a part of a multipart request (the GraphQL multipart "
        "request spec); at most `PDMS_MAX_UPLOAD_BYTES`. Its type is detected from the bytes: "
        "executables, and files whose bytes do not match their name, are refused."
    )
    category: str = strawberry.field(
        description="Code of a `document_category` value, e.g. `evidence`."
    )
    title: str | None = strawberry.field(
        default=None, description="What it is, in a few words; default: the file's name."
    )
    retention: str | None = strawberry.field(
        default=None,
        description="Code of a `document_retention` value; default: the first active one.",
    )


def _holder(info: Info, value: str) -> tuple[str, int]:
    """(type name, id) of the holder's global ID; VALIDATION for anything else."""
    try:
        type_name = relay.GlobalID.from_id(value).type_name
    except relay.GlobalIDValueError:
        raise ValidationFailed("This is not a valid ID.", field="holderId") from None
    holder = holder_named(type_name, info.context.host.document_holders)
    return holder.type_name, decode_id(value, holder.type_name, field="holderId")


@strawberry.type
class DocumentMutation:
    @mutation_field(
        description="Keep a file against a record; needs read access to the record too.",
        permission=UPLOAD,
    )
    async def upload_document(
        self, info: Info, input: Annotated[UploadDocumentInput, described("The file and where.")]
    ) -> DocumentPayload:
        async def action(session: Any) -> Any:
            holder_type, holder_id = _holder(info, input.holder_id)
            upload = input.file
            content = await upload.read()
            return await services.add_document(
                session,
                actor=info.context.actor,
                holder_type=holder_type,
                holder_id=holder_id,
                filename=upload.filename or "",
                content=content,
                category=input.category,
                title=input.title,
                retention=input.retention,
                declared_type=upload.content_type,
                settings=info.context.settings,
                holders=info.context.host.document_holders,
                permission=UPLOAD,
            )

        document, errors = await run_mutation(info, action)
        return DocumentPayload(document=document, errors=errors)

    @mutation_field(
        description="Delete a document: it disappears at once and is removed for good by "
        "`pdms documents purge` after the grace period (`PDMS_DOCUMENT_DELETED_DAYS`).",
        permission=DELETE,
    )
    async def delete_document(
        self,
        info: Info,
        id: Annotated[strawberry.ID, described("The document's global ID.")],
        expected_version: Annotated[
            int | None, described("The version you read; a newer one is a CONFLICT.")
        ] = None,
    ) -> DocumentPayload:
        async def action(session: Any) -> Any:
            return await services.delete_document(
                session,
                info.context.actor,
                decode_id(id, "Document"),
                expected_version,
                permission=DELETE,
            )

        document, errors = await run_mutation(info, action)
        return DocumentPayload(document=document, errors=errors)
