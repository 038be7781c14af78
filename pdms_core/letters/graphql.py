"""Letters: purposes and templates (queries), uploading and managing templates, the
merge fields of a letter before generating it, and generating it (mutations)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.file_uploads import Upload
from strawberry.types import Info

from pdms_core.documents.types import DocumentNode
from pdms_core.errors import UserError, UserErrors
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.letters import services, templates
from pdms_core.letters.models import LetterTemplate
from pdms_core.letters.types import (
    GENERATE,
    TEMPLATE_MANAGE,
    TEMPLATE_READ,
    LetterFieldValue,
    LetterFormat,
    LetterPurposeType,
    LetterTemplateNode,
)

LetterTemplatePayload = payload_type(
    "LetterTemplatePayload",
    "template",
    LetterTemplateNode,
    description="Result of uploading, replacing, deactivating or reactivating a template.",
)

GenerateLetterPayload = payload_type(
    "GenerateLetterPayload",
    "document",
    DocumentNode,
    description="Result of generating a letter: the document stored on the record.",
    field_description="The letter, stored as a document (category `letter`) on the record.",
    errors_description="Why no letter was generated (each missing merge field is one "
    "error naming it and why).",
)


@strawberry.input(
    description="A Word (.docx) template for a letter purpose, sent as `file` in a "
    "multipart request (GraphQL multipart request spec)."
)
class UploadLetterTemplateInput:
    purpose: str = strawberry.field(description="The purpose's code (see `letterPurposes`).")
    name: str = strawberry.field(description="A name, unique within the purpose.")
    file: Upload = strawberry.field(description="The .docx file.")


@strawberry.input(description="A new file for a template, checked as on upload.")
class ReplaceLetterTemplateInput:
    id: strawberry.ID = strawberry.field(description="The template's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")
    file: Upload = strawberry.field(description="The new .docx file.")


@strawberry.input(description="Deactivate a template, or bring it back.")
class SetLetterTemplateActiveInput:
    id: strawberry.ID = strawberry.field(description="The template's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")
    active: bool = strawberry.field(description="False to deactivate, true to reactivate.")


@strawberry.input(description="Which letter to generate, for which record.")
class GenerateLetterInput:
    purpose: str = strawberry.field(description="The purpose's code.")
    holder_id: strawberry.ID = strawberry.field(
        description="Global ID of the record, of the purpose's `holderType`."
    )
    template_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The template; may be left out when the purpose has one active template.",
    )
    format: LetterFormat = strawberry.field(
        default=LetterFormat.DOCX, description="Word (default) or PDF."
    )


@strawberry.type(description="The merge fields a letter would be filled with, before generating.")
class LetterFields:
    purpose: LetterPurposeType = strawberry.field(description="The letter's purpose.")
    template: LetterTemplateNode = strawberry.field(description="The template it would use.")
    fields: list[LetterFieldValue] = strawberry.field(
        description="Every merge field the template uses, in name order, with its value."
    )
    missing: list[LetterFieldValue] = strawberry.field(
        description="The fields the record cannot fill; generating is refused while any is."
    )
    ready: bool = strawberry.field(description="True when no field is missing.")


def _settings(info: Info) -> Any:
    return info.context.host.settings


def _purposes(info: Info) -> Any:
    return info.context.host.letter_purposes


def _template_id(value: strawberry.ID | None, field: str) -> int | None:
    return None if value is None else decode_id(value, "LetterTemplate", field=field)


def _holder_id(info: Info, purpose: str, value: strawberry.ID) -> tuple[str, int]:
    holder = templates.purpose_named(_purposes(info), purpose).holder
    return holder, decode_id(value, holder, field="holderId")


@strawberry.type
class LetterQuery:
    @query_field(
        description="Every letter purpose of the enabled modules, with its merge fields.",
        permission=TEMPLATE_READ,
    )
    def letter_purposes(self, info: Info) -> list[LetterPurposeType]:
        return [
            LetterPurposeType.of(module, purpose)
            for module, purpose in templates.purpose_rows(_purposes(info))
        ]

    @query_field(
        description="The council's letter templates, by purpose and name.",
        permission=TEMPLATE_READ,
    )
    async def letter_templates(
        self,
        info: Info,
        purpose: Annotated[str | None, described("Only this purpose's templates.")] = None,
        include_inactive: Annotated[bool, described("Include deactivated templates.")] = False,
        first: First = None,
        after: After = None,
    ) -> Connection[LetterTemplateNode]:
        async with info.context.session() as session:
            page = await keyset_page(
                session,
                templates.templates_statement(purpose, include_inactive),
                [LetterTemplate.purpose, LetterTemplate.name],
                first=first,
                after=after,
            )
        return page.connection()

    @query_field(
        description="The merge fields a letter for this record would be filled with, and "
        "the ones the record cannot fill: check before `generateLetter`. Needs read access "
        "to the record too.",
        permission=GENERATE,
    )
    async def letter_fields(
        self,
        info: Info,
        purpose: Annotated[str, described("The purpose's code.")],
        holder_id: Annotated[strawberry.ID, described("Global ID of the record.")],
        template_id: Annotated[
            strawberry.ID | None, described("The template (default: the only active one).")
        ] = None,
    ) -> LetterFields:
        holder, row_id = _holder_id(info, purpose, holder_id)
        async with info.context.session() as session:
            preview = await services.preview_letter(
                session,
                info.context.actor,
                _settings(info),
                _purposes(info),
                purpose=purpose,
                holder_id=row_id,
                template_id=_template_id(template_id, "templateId"),
            )
        # The answer carries the record's personal details (name, address): noted as a
        # read of the record, as reading it through node(id:) would be.
        info.context.audit.note_read(holder, row_id)
        module = _purposes(info)[purpose][0]
        return LetterFields(
            purpose=LetterPurposeType.of(module, preview.purpose),
            template=preview.template,
            fields=[LetterFieldValue.of(field) for field in preview.fields],
            missing=[LetterFieldValue.of(field) for field in preview.missing],
            ready=not preview.missing,
        )


async def _upload_bytes(upload: Any) -> tuple[str, bytes]:
    return getattr(upload, "filename", None) or "template.docx", await upload.read()


@strawberry.type
class LetterMutation:
    @mutation_field(
        description="Upload a Word template for a letter purpose. It must parse, and use "
        "only merge fields the purpose provides (VALIDATION names the others).",
        permission=TEMPLATE_MANAGE,
    )
    async def upload_letter_template(
        self, info: Info, input: Annotated[UploadLetterTemplateInput, described("The template.")]
    ) -> LetterTemplatePayload:
        file_name, content = await _upload_bytes(input.file)

        async def action(session: AsyncSession) -> Any:
            return await templates.upload_template(
                session,
                info.context.actor,
                _settings(info),
                _purposes(info),
                purpose=input.purpose,
                name=input.name,
                file_name=file_name,
                content=content,
            )

        template, errors = await run_mutation(info, action)
        return LetterTemplatePayload(template=template, errors=errors)

    @mutation_field(
        description="Replace a template's file (checked as on upload); its version goes up.",
        permission=TEMPLATE_MANAGE,
    )
    async def replace_letter_template(
        self,
        info: Info,
        input: Annotated[ReplaceLetterTemplateInput, described("The template and new file.")],
    ) -> LetterTemplatePayload:
        file_name, content = await _upload_bytes(input.file)

        async def action(session: AsyncSession) -> Any:
            return await templates.replace_template(
                session,
                info.context.actor,
                _settings(info),
                _purposes(info),
                template_id=decode_id(input.id, "LetterTemplate"),
                expected_version=input.expected_version,
                file_name=file_name,
                content=content,
            )

        template, errors = await run_mutation(info, action)
        return LetterTemplatePayload(template=template, errors=errors)

    @mutation_field(
        description="Deactivate a template (kept, but it generates no letters) or reactivate it.",
        permission=TEMPLATE_MANAGE,
    )
    async def set_letter_template_active(
        self,
        info: Info,
        input: Annotated[SetLetterTemplateActiveInput, described("The template and its state.")],
    ) -> LetterTemplatePayload:
        async def action(session: AsyncSession) -> Any:
            return await templates.set_template_active(
                session,
                info.context.actor,
                template_id=decode_id(input.id, "LetterTemplate"),
                expected_version=input.expected_version,
                active=input.active,
            )

        template, errors = await run_mutation(info, action)
        return LetterTemplatePayload(template=template, errors=errors)

    @mutation_field(
        description="Generate a letter for a record from a template and store it as a "
        "document on the record. Needs read access to the record; every merge field the "
        "record cannot fill is one VALIDATION error naming it (see `letterFields`). PDF "
        "needs LibreOffice on the server (NOT_ALLOWED otherwise). Seeing the document "
        "returned needs `core.document.read`.",
        permission=GENERATE,
    )
    async def generate_letter(
        self, info: Info, input: Annotated[GenerateLetterInput, described("What to generate.")]
    ) -> GenerateLetterPayload:
        # Filled (and converted) in a read session first, so no write transaction waits
        # on the template or LibreOffice; the unit of work only stores the result. A
        # refusal is raised again inside it, to be a typed error and audited as one.
        # Once the record is within reach its personal data is merged, or quoted by the
        # refusal ("Ms Alex Doe has no correspondence address"): a read of the record,
        # noted as letterFields notes it, whether or not a letter is stored.
        prepared: Any
        try:
            holder, holder_id = _holder_id(info, input.purpose, input.holder_id)
            async with info.context.session() as session:
                prepared = await services.prepare_letter(
                    session,
                    info.context.actor,
                    _settings(info),
                    _purposes(info),
                    purpose=input.purpose,
                    holder_id=holder_id,
                    template_id=_template_id(input.template_id, "templateId"),
                    file_format=input.format.value,
                    reached=lambda: info.context.audit.note_read(holder, holder_id),
                )
        except (UserError, UserErrors) as refusal:
            prepared = refusal

        async def action(session: AsyncSession) -> Any:
            if isinstance(prepared, Exception):
                raise prepared
            return await services.store_letter(
                session, info.context.actor, _settings(info), prepared, permission=GENERATE
            )

        document, errors = await run_mutation(info, action)
        return GenerateLetterPayload(document=document, errors=errors)
