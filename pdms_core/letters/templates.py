"""The council's letter templates: checked on upload, kept in the document store.

A template must be a Word document that parses and uses only merge fields its purpose
provides (core's fields for every letter, then the purpose's own); replacing its file
checks the new one the same way. Purposes are declared in code and collected by the
host (``pdms_letter_purposes``); templates name them by code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.tokens import now
from pdms_core.db.unit_of_work import expect_version
from pdms_core.errors import Duplicate, NotFound, ValidationFailed
from pdms_core.letters.fields import COMMON_LETTER_FIELDS
from pdms_core.letters.models import LetterTemplate
from pdms_core.letters.templating import TemplateShape, template_shape
from pdms_core.records import LetterField, LetterPurpose
from pdms_core.settings import Settings

#: The formats a letter is made in (a template is always Word).
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


def purpose_rows(purposes: Purposes) -> Sequence[tuple[str, LetterPurpose]]:
    """(module, purpose) in the host's order: core's first, then modules by name."""
    return list(purposes.values())
