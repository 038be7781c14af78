"""Adding, finding and deleting documents (no strawberry: the API, the CLI and modules'
services such as letter generation call the same code).

Adding writes the object to the document store *first*, then adds the row in the
caller's transaction. A store write that fails raises before any row exists; a
transaction that fails after the write leaves an object no row names, which
``pdms documents orphans`` finds (and deletes with ``--delete``). The opposite order
could commit a row whose bytes were never stored: a document that cannot be
downloaded, which nothing would notice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.permissions import user_id_of
from pdms_core.auth.tokens import now
from pdms_core.db.row_rules import restrict
from pdms_core.db.unit_of_work import expect_version
from pdms_core.documents.holders import check_holder_reach, holder_named, holder_within
from pdms_core.documents.lookups import CATEGORY, DELETE, RETENTION
from pdms_core.documents.models import Document
from pdms_core.errors import NotFound, ValidationFailed
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.records import DocumentHolder
from pdms_core.settings import Settings

MAX_TITLE = 200


async def add_document(
    session: AsyncSession,
    *,
    actor: Actor,
    holder_type: str,
    holder_id: int,
    filename: str,
    content: bytes,
    category: str,
    title: str | None = None,
    retention: str | None = None,
    declared_type: str | None = None,
    settings: Settings,
    holders: Mapping[str, DocumentHolder] | None = None,
    permission: str | None = None,
) -> Document:
    """Store ``content`` as a document held by ``holder_type`` ``holder_id``.

    ``category`` and ``retention`` are codes of the lists ``document_category`` and
    ``document_retention`` (retention defaults to the first active class). The
    content type is detected from the bytes; executables and files that are not what
    their name says are refused (VALIDATION on ``file``). The actor must be able to
    read the holder (see ``documents/holders.py``); the caller's entry point checks
    its own permission (``core.document.upload`` for ``uploadDocument``) and passes
    it as ``permission``: granted only within teams, it then reaches only those
    teams' cases (and their demands and activities), as NOT_FOUND on ``holderId``
    otherwise. Flushes, never commits: the row commits with the caller's transaction.

    Example (a module storing a generated letter)::

        document = await add_document(
            session, actor=actor, holder_type="RentArrearsAccount", holder_id=account.id,
            filename="statement.docx", content=data, category="letter", settings=settings,
        )
    """
    from pdms_core.documents.content import inspect_upload
    from pdms_core.documents.storage import document_store, new_key

    holder = holder_named(holder_type, holders)
    await check_holder_reach(session, actor, holder, holder_id, permission=permission)
    category_id = await _value_id(session, CATEGORY, category, field="category")
    retention_id = await _retention_id(session, retention)
    inspected = inspect_upload(filename, content, declared_type)
    clean_title = " ".join((title or "").split()) or inspected.safe_name
    if len(clean_title) > MAX_TITLE:
        raise ValidationFailed(f"Keep the title under {MAX_TITLE} characters.", field="title")
    content_type = inspected.content_type
    charset = getattr(inspected, "charset", None)
    if charset:  # text: say how it is encoded, so a browser does not guess
        content_type = f"{content_type}; charset={charset}"
    key = new_key()
    await document_store(settings).put(key, content, content_type=content_type)
    document = Document(
        holder_type=holder.type_name,
        holder_id=holder_id,
        category_id=category_id,
        title=clean_title,
        file_name=inspected.safe_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        store_key=key,
        retention_id=retention_id,
        uploaded_by_id=user_id_of(actor),
        uploaded_by_actor=actor.id,
        uploaded_at=now(),
    )
    session.add(document)
    await session.flush()
    return document


async def reachable_document(
    session: AsyncSession, actor: Actor, document_id: int, *, field: str = "id"
) -> Document:
    """The document, if ``actor`` may read it (its holder's rules; not deleted);
    NOT_FOUND otherwise, whether it exists or not."""
    statement = restrict(select(Document).where(Document.id == document_id), Document, actor)
    document = await session.scalar(statement)
    if document is None:
        raise NotFound("There is no such document.", field=field)
    return document


async def delete_document(
    session: AsyncSession,
    actor: Actor,
    document_id: int,
    expected_version: int | None = None,
    *,
    permission: str | None = DELETE,
) -> Document:
    """Soft-delete: the document disappears at once and is purged after the grace
    period (``PDMS_DOCUMENT_DELETED_DAYS``). ``permission`` (``core.document.delete``)
    granted only within teams reaches only those teams' records' documents: any
    other is NOT_FOUND, even when the actor may read it."""
    document = await reachable_document(session, actor, document_id)
    holder = holder_named(document.holder_type)
    if not await holder_within(session, actor, holder, document.holder_id, permission):
        raise NotFound("There is no such document.", field="id")
    expect_version(document, expected_version)
    document.deleted_at = now()
    document.deleted_by_actor = actor.id
    await session.flush()
    return document


async def documents_removed_with(
    session: AsyncSession, holder_type: str, holder_ids: int | Iterable[int], actor: Actor
) -> int:
    """Soft-delete the live documents of holders that are being deleted for good; how
    many. Call it in the transaction that deletes the holder rows.

    Documents name their holder without a foreign key (a module's types are not known
    to core's schema), so nothing else removes them. Left behind, they would belong to
    nobody, and where the database reuses ids (SQLite hands a deleted last row's id to
    the next row) to whichever record is given the id next, perhaps another team's
    case. Deleted like this they go the way of any deleted document: hidden at once,
    purged after ``PDMS_DOCUMENT_DELETED_DAYS``.
    """
    ids = sorted({holder_ids} if isinstance(holder_ids, int) else set(holder_ids))
    removed = 0
    for start in range(0, len(ids), 500):
        result = await session.execute(
            update(Document)
            .where(
                Document.holder_type == holder_type,
                Document.holder_id.in_(ids[start : start + 500]),
                Document.deleted_at.is_(None),
            )
            .values(
                deleted_at=now(),
                deleted_by_actor=actor.id,
                version=Document.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        removed += result.rowcount or 0
    return removed


async def _value_id(session: AsyncSession, set_code: str, code: str, *, field: str) -> int:
    found = await session.scalar(
        select(LookupValue.id)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == set_code, LookupValue.code == code, LookupValue.is_active)
    )
    if found is None:
        raise ValidationFailed(f"There is no active {field} {code!r}.", field=field)
    return found


async def _retention_id(session: AsyncSession, code: str | None) -> int:
    if code is not None:
        return await _value_id(session, RETENTION, code, field="retention")
    first: Any = await session.scalar(
        select(LookupValue.id)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == RETENTION, LookupValue.is_active)
        .order_by(LookupValue.sort_order, LookupValue.id)
        .limit(1)
    )
    if first is None:
        raise ValidationFailed(
            "No retention class is active; ask an administrator.", field="retention"
        )
    return first
