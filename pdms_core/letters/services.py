"""Letters (no strawberry: the API, the CLI and tests share them).

A letter is generated for one record the officer may read: the purpose's provider fills
the fields, a template field the record cannot fill stops it with an error naming the
field and why, and the filled document is stored as a document on the record (category
``letter``). Templates themselves are ``letters/templates.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.errors import NotAllowed, UserErrors, ValidationFailed
from pdms_core.letters.fields import common_letter_fields, only_declared
from pdms_core.letters.formatting import british_date
from pdms_core.letters.pdf import NEEDS_LIBREOFFICE, docx_to_pdf, find_converter
from pdms_core.letters.templates import (
    DOCX,
    PDF,
    Purposes,
    choose_template,
    field_dictionary,
    purpose_named,
)
from pdms_core.letters.templating import render_template
from pdms_core.records import LetterPurpose, MissingField
from pdms_core.settings import Settings
from pdms_core.today import today

#: The permission generating a letter needs (``types.GENERATE``; no strawberry here).
GENERATE = "core.letter.generate"

#: The ``document_category`` code generated letters are stored under.
LETTER_CATEGORY = "letter"


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
    reached: Callable[[], None] | None = None,
) -> LetterPreview:
    """The fields the template uses, filled for the record; the caller must be able to
    read the record, as ``node(id:)`` decides. ``reached`` is called once it can: from
    then on the record's personal data is read (the API notes it for the audit trail)."""
    from pdms_core.documents.holders import check_holder_reach, holder_named

    chosen = purpose_named(purposes, purpose)
    await check_holder_reach(session, actor, holder_named(chosen.holder), holder_id)
    if reached is not None:
        reached()
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
    reached: Callable[[], None] | None = None,
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
        reached=reached,
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
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    letter: PreparedLetter,
    *,
    permission: str | None = GENERATE,
) -> Any:
    """Keep a prepared letter as a ``letter`` document on its record (whose reach
    ``add_document`` checks again, in this transaction, with ``permission``'s team
    scope: a ``core.letter.generate`` granted within teams writes only to their cases)."""
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
        permission=permission,
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
