"""GraphQL types of letter purposes, templates and a letter's merge fields."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from pdms_core.graphql.node import ModelNode
from pdms_core.letters.models import LetterTemplate
from pdms_core.letters.services import FieldValue
from pdms_core.letters.templates import field_dictionary
from pdms_core.records import LetterField, LetterPurpose

TEMPLATE_READ = "core.letter_template.read"
TEMPLATE_MANAGE = "core.letter_template.manage"
GENERATE = "core.letter.generate"


@strawberry.type(name="LetterField", description="One merge field of a letter purpose.")
class LetterFieldType:
    name: str = strawberry.field(description="What a template writes: `{{ name }}`.")
    description: str = strawberry.field(description="What the field holds.")
    example: str = strawberry.field(description="An example value (may be empty).")
    items: list[LetterFieldType] = strawberry.field(
        description="For a list to loop over: the fields of each row (`{{ row.name }}`)."
    )

    @classmethod
    def of(cls, field: LetterField) -> LetterFieldType:
        return cls(
            name=field.name,
            description=field.description,
            example=field.example,
            items=[cls.of(item) for item in field.items],
        )


@strawberry.type(
    name="LetterPurpose",
    description="A kind of letter a council may write templates for (module + use).",
)
class LetterPurposeType:
    code: str = strawberry.field(description="`<module>.<use>`, e.g. `core.case_acknowledgement`.")
    module: str = strawberry.field(description="The module that declares it.")
    label: str = strawberry.field(description="Its name for officers.")
    description: str = strawberry.field(description="What it is for.")
    holder_type: str = strawberry.field(
        description="The type of record letters are written for (Person, Case ...); "
        "`holderId` takes a global ID of that type."
    )
    fields: list[LetterFieldType] = strawberry.field(
        description="Its field dictionary: core's fields for every letter, then its own."
    )

    @classmethod
    def of(cls, module: str, purpose: LetterPurpose) -> LetterPurposeType:
        return cls(
            code=purpose.code,
            module=module,
            label=purpose.label,
            description=purpose.description,
            holder_type=purpose.holder,
            fields=[LetterFieldType.of(field) for field in field_dictionary(purpose)],
        )


@strawberry.type(
    name="LetterTemplate", description="A council's Word template for one letter purpose."
)
class LetterTemplateNode(ModelNode):
    model = LetterTemplate
    read_permission = TEMPLATE_READ

    id: relay.NodeID[int]
    purpose: str = strawberry.field(description="The purpose's code.")
    name: str = strawberry.field(description="Its name, unique within the purpose.")
    file_name: str = strawberry.field(description="The uploaded file's (cleaned) name.")
    sha256: str = strawberry.field(description="SHA-256 of the file, lower-case hex.")
    size_bytes: int = strawberry.field(description="Size of the file in bytes.")
    merge_fields: list[str] = strawberry.field(
        description="The merge fields the template uses, sorted."
    )
    is_active: bool = strawberry.field(description="False once deactivated.")
    uploaded_by: str = strawberry.field(description="Who uploaded the current file.")
    uploaded_at: datetime = strawberry.field(description="When the current file was uploaded.")
    version: int = strawberry.field(
        description="Optimistic-lock version; replacing the file bumps it. Send it back as "
        "`expectedVersion`."
    )


@strawberry.type(description="A merge field a template uses, filled for one record.")
class LetterFieldValue:
    name: str = strawberry.field(description="The field's name.")
    description: str = strawberry.field(description="What the field holds.")
    value: str | None = strawberry.field(
        description="As the letter will show it (lines one per line; a table as its row "
        "count); null when missing."
    )
    missing: str | None = strawberry.field(
        description="Why the record cannot fill it; null when it can."
    )

    @classmethod
    def of(cls, field: FieldValue) -> LetterFieldValue:
        return cls(
            name=field.name, description=field.description, value=field.value, missing=field.missing
        )


@strawberry.enum(description="The file a generated letter is stored as.")
class LetterFormat(Enum):
    DOCX = strawberry.enum_value("docx", description="A Word document (.docx).")
    PDF = strawberry.enum_value(
        "pdf", description="A PDF, converted by LibreOffice where the server has it."
    )
