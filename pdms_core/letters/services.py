"""Letter templates and letters (no strawberry: the API, the CLI and tests share them).

A template is checked when it is uploaded: it must be a Word document that parses, and
use only merge fields its purpose provides. A letter is generated for one record the
officer may read: the purpose's provider fills the fields, a template field the record
cannot fill stops it with an error naming the field and why, and the filled document
is stored as a document on the record (category ``letter``).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.tokens import now
from pdms_core.db.unit_of_work import expect_version
from pdms_core.errors import (
    Duplicate,
    NotAllowed,
    NotFound,
    UserErrors,
    ValidationFailed,
)
from pdms_core.letters.fields import COMMON_LETTER_FIELDS, common_letter_fields, only_declared
from pdms_core.letters.formatting import british_date
from pdms_core.letters.models import LetterTemplate
from pdms_core.letters.pdf import NEEDS_LIBREOFFICE, docx_to_pdf, find_converter
from pdms_core.letters.templating import TemplateShape, render_template, template_shape
from pdms_core.records import LetterField, LetterPurpose, MissingField
from pdms_core.settings import Settings
from pdms_core.today import today

#: The ``document_category`` code generated letters are stored under.
LETTER_CATEGORY = "letter"
DOCX = "docx"
PDF = "pdf"
MAX_NAME = 200
#: ``{code: (module, purpose)}``, as the host collects them.
Purposes = Mapping[str, tuple[str, LetterPurpose]]


def purpose_named(purposes: Purposes, code: str, *, field: str = "purpose") -> LetterPurpose:
    """The enabled purpose ``code``; VALIDATION naming it otherwise."""
    found = purposes.get(code)
    if found is None:
        raise ValidationFailed(
            f"There is no letter purpose {code!r} in the enabled modules.", field=field
        )
    return found[1]


def field_dictionary(purpose: LetterPurpose) -> tuple[LetterField, ...]:
    """Every merge field of a purpose: core's common fields, then the purpose's own."""
    return (*COMMON_LETTER_FIELDS, *purpose.fields)


def check_fields(shape: TemplateShape, purpose: LetterPurpose) -> None:
    """VALIDATION naming every field the template uses that the purpose lacks."""
    known = {field.name: field for field in field_dictionary(purpose)}
    unknown = sorted(shape.fields - set(known))
    if unknown:
        raise ValidationFailed(
            f"The template uses merge fields that {purpose.label!r} does not provide: "
            f"{', '.join(unknown)}. letterPurposes lists the fields it has.",
            field="file",
        )
    for name, used in sorted(shape.row_names.items()):
        items = known[name].items if name in known else ()
        if not items:
            continue
        bad = sorted(used - {item.name for item in items})
        if bad:
            raise ValidationFailed(
                f"The template reads {', '.join(bad)} from each row of {name}, whose rows "
                f"have only {', '.join(item.name for item in items)}.",
                field="file",
            )


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationFailed("Give the template a name.", field="name")
    if len(clean) > MAX_NAME:
        raise ValidationFailed(f"Keep the name under {MAX_NAME} characters.", field="name")
    return clean


@dataclass(frozen=True)
class CheckedTemplate:
    file_name: str
    content_type: str
    shape: TemplateShape


def check_template(file_name: str, content: bytes, purpose: LetterPurpose) -> CheckedTemplate:
    """A Word template, parsed, whose fields the purpose provides; VALIDATION otherwise."""
    from pdms_core.documents.content import inspect_upload

    inspected = inspect_upload(file_name, content, None)
    if inspected.extension.lstrip(".").lower() != DOCX:
        raise ValidationFailed(
            "Upload the template as a Word document (.docx); this file is "
            f"{inspected.content_type}.",
            field="file",
        )
    shape = template_shape(content)
    check_fields(shape, purpose)
    return CheckedTemplate(inspected.safe_name, inspected.content_type, shape)


async def _store(settings: Settings, content: bytes, content_type: str) -> str:
    from pdms_core.documents.storage import document_store, new_key

    key = new_key()
    await document_store(settings).put(key, content, content_type=content_type)
    return key


async def upload_template(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    purposes: Purposes,
    *,
    purpose: str,
    name: str,
    file_name: str,
    content: bytes,
) -> LetterTemplate:
    """Check a template and keep it: the file in the document store, then its row."""
    chosen = purpose_named(purposes, purpose)
    clean = _clean_name(name)
    checked = check_template(file_name, content, chosen)
    taken = await session.scalar(
        select(LetterTemplate.id).where(
            LetterTemplate.purpose == chosen.code, LetterTemplate.name == clean
        )
    )
    if taken is not None:
        raise Duplicate(
            f"{chosen.label!r} already has a template called {clean!r}; replace it instead.",
            field="name",
        )
    # The file first: a failed store write leaves no row (see documents/services.py).
    key = await _store(settings, content, checked.content_type)
    template = LetterTemplate(
        purpose=chosen.code,
        name=clean,
        is_active=True,
        **_file_columns(actor, key, checked, content),
    )
    session.add(template)
    await session.flush()
    return template


def _file_columns(
    actor: Actor, key: str, checked: CheckedTemplate, content: bytes
) -> dict[str, Any]:
    return {
        "file_name": checked.file_name,
        "store_key": key,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size_bytes": len(content),
        "merge_fields": sorted(checked.shape.fields),
        "uploaded_by": actor.display_name or actor.id or "unknown",
        "uploaded_by_id": actor.id,
        "uploaded_at": now(),
    }


async def _template(session: AsyncSession, template_id: int, *, field: str = "id") -> Any:
    template = await session.get(LetterTemplate, template_id)
    if template is None:
        raise NotFound("There is no such letter template.", field=field)
    return template


async def replace_template(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    purposes: Purposes,
    *,
    template_id: int,
    expected_version: int,
    file_name: str,
    content: bytes,
) -> LetterTemplate:
    """Put a new file in a template's place (checked as on upload); bumps its version."""
    template = await _template(session, template_id)
    expect_version(template, expected_version)
    checked = check_template(file_name, content, purpose_named(purposes, template.purpose))
    key = await _store(settings, content, checked.content_type)
    for column, value in _file_columns(actor, key, checked, content).items():
        setattr(template, column, value)
    await session.flush()
    return template


async def set_template_active(
    session: AsyncSession, actor: Actor, *, template_id: int, expected_version: int, active: bool
) -> LetterTemplate:
    """Deactivate a template (kept, but generates nothing) or bring it back."""
    template = await _template(session, template_id)
    expect_version(template, expected_version)
    if template.is_active == active:
        state = "active" if active else "inactive"
        raise ValidationFailed(f"The template is already {state}.", field="active")
    template.is_active = active
    await session.flush()
    return template


def templates_statement(purpose: str | None, include_inactive: bool) -> Any:
    """The templates to list, for a keyset page."""
    statement = select(LetterTemplate)
    if purpose is not None:
        statement = statement.where(LetterTemplate.purpose == purpose)
    if not include_inactive:
        statement = statement.where(LetterTemplate.is_active.is_(True))
    return statement


async def choose_template(
    session: AsyncSession, purpose: LetterPurpose, template_id: int | None
) -> Any:
    """The template asked for, or the purpose's only active one."""
    if template_id is not None:
        template = await _template(session, template_id, field="templateId")
        if template.purpose != purpose.code:
            raise ValidationFailed(
                f"Template {template.name!r} is for {template.purpose!r}, not {purpose.code!r}.",
                field="templateId",
            )
        if not template.is_active:
            raise ValidationFailed(
                f"Template {template.name!r} is deactivated.", field="templateId"
            )
        return template
    active = list(
        await session.scalars(
            select(LetterTemplate)
            .where(LetterTemplate.purpose == purpose.code, LetterTemplate.is_active.is_(True))
            .order_by(LetterTemplate.name)
        )
    )
    if not active:
        raise NotFound(
            f"There is no active template for {purpose.label!r}; upload one first.",
            field="templateId",
        )
    if len(active) > 1:
        names = ", ".join(repr(t.name) for t in active)
        raise ValidationFailed(
            f"{purpose.label!r} has {len(active)} active templates ({names}); choose one.",
            field="templateId",
        )
    return active[0]


@dataclass(frozen=True)
class FieldValue:
    """One merge field a template uses, with the value the record gives it."""

    name: str
    description: str
    #: As the letter will show it; None when missing.
    value: str | None
    #: Why the record cannot fill it; None when it can.
    missing: str | None


@dataclass(frozen=True)
class LetterPreview:
    """What a letter would be filled with, before it is generated."""

    purpose: LetterPurpose
    template: Any
    fields: tuple[FieldValue, ...]
    context: dict[str, Any]

    @property
    def missing(self) -> tuple[FieldValue, ...]:
        return tuple(field for field in self.fields if field.missing is not None)


async def preview_letter(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    purposes: Purposes,
    *,
    purpose: str,
    holder_id: int,
    template_id: int | None,
) -> LetterPreview:
    """The fields the template uses, filled for the record; the caller must be able to
    read the record, as ``node(id:)`` decides."""
    from pdms_core.documents.holders import check_holder_reach, holder_named

    chosen = purpose_named(purposes, purpose)
    await check_holder_reach(session, actor, holder_named(chosen.holder), holder_id)
    template = await choose_template(session, chosen, template_id)
    values = {
        **await common_letter_fields(session, actor, settings),
        **only_declared(await chosen.provide(session, holder_id, actor, settings), chosen.fields),
    }
    described = {field.name: field.description for field in field_dictionary(chosen)}
    fields = []
    for name in template.merge_fields:
        value = values.get(name, MissingField("the purpose gives no value for it"))
        if isinstance(value, MissingField):
            fields.append(FieldValue(name, described.get(name, ""), None, value.reason))
        else:
            fields.append(FieldValue(name, described.get(name, ""), shown(value), None))
    context = {k: letter_value(v) for k, v in values.items() if not isinstance(v, MissingField)}
    return LetterPreview(chosen, template, tuple(fields), context)


def letter_value(value: Any) -> Any:
    """A provider's value as a template gets it: dates the British way, all the way down."""
    if isinstance(value, date):
        return british_date(value)
    if isinstance(value, Mapping):
        return {key: letter_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [letter_value(item) for item in value]
    return value


def shown(value: Any) -> str:
    """A value as text for the preview: lines one per line, a table as its row count."""
    value = letter_value(value)
    if isinstance(value, list):
        if value and all(isinstance(item, Mapping) for item in value):
            return f"{len(value)} rows"
        return "\n".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class PreparedLetter:
    """A letter filled (and converted) for a record, not yet stored."""

    holder_type: str
    holder_id: int
    file_name: str
    title: str
    content: bytes


async def prepare_letter(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    purposes: Purposes,
    *,
    purpose: str,
    holder_id: int,
    template_id: int | None,
    file_format: str = DOCX,
) -> PreparedLetter:
    """Fill the template for the record (and make the PDF), without storing anything.

    Every field the template uses that the record cannot fill is one VALIDATION error
    naming the field and why (``correspondence_address: Alex Doe has no correspondence
    address``). Only reads: the API runs it before its unit of work, so no transaction
    stays open while a template fills or LibreOffice converts.
    """
    from pdms_core.documents.storage import document_store

    if file_format == PDF and find_converter(settings) is None:
        raise NotAllowed(NEEDS_LIBREOFFICE, field="format")
    preview = await preview_letter(
        session,
        actor,
        settings,
        purposes,
        purpose=purpose,
        holder_id=holder_id,
        template_id=template_id,
    )
    if preview.missing:
        raise UserErrors(
            [ValidationFailed(f"{f.name}: {f.missing}", field="holderId") for f in preview.missing]
        )
    template = preview.template
    content = await document_store(settings).get(template.store_key)
    if hashlib.sha256(content).hexdigest() != template.sha256:
        raise NotAllowed(
            f"The stored file of template {template.name!r} is not the one uploaded; "
            "upload it again.",
            field="templateId",
        )
    letter = await asyncio.to_thread(render_template, content, preview.context)
    if file_format == PDF:
        letter = await docx_to_pdf(letter, settings)
    return PreparedLetter(
        holder_type=preview.purpose.holder,
        holder_id=holder_id,
        file_name=f"{_slug(template.name)}-{today().isoformat()}.{file_format}",
        title=f"{template.name}, {british_date(today())}",
        content=letter,
    )


async def store_letter(
    session: AsyncSession, actor: Actor, settings: Settings, letter: PreparedLetter
) -> Any:
    """Keep a prepared letter as a ``letter`` document on its record (whose reach
    ``add_document`` checks again, in this transaction)."""
    from pdms_core.documents.services import add_document

    return await add_document(
        session,
        actor=actor,
        holder_type=letter.holder_type,
        holder_id=letter.holder_id,
        filename=letter.file_name,
        content=letter.content,
        category=LETTER_CATEGORY,
        title=letter.title,
        settings=settings,
    )


async def generate_letter(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    purposes: Purposes,
    *,
    purpose: str,
    holder_id: int,
    template_id: int | None,
    file_format: str = DOCX,
) -> Any:
    """:func:`prepare_letter` and :func:`store_letter` in one session (for callers
    without an API request, such as a command)."""
    letter = await prepare_letter(
        session,
        actor,
        settings,
        purposes,
        purpose=purpose,
        holder_id=holder_id,
        template_id=template_id,
        file_format=file_format,
    )
    return await store_letter(session, actor, settings, letter)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "letter"


def purpose_rows(purposes: Purposes) -> Sequence[tuple[str, LetterPurpose]]:
    """(module, purpose) in the host's order: core's first, then modules by name."""
    return list(purposes.values())
