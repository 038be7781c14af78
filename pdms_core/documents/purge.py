"""Removing documents for good: deleted ones after the grace period, and any document
whose retention class's years have passed since its upload; and objects in the store
that no row names (orphans).

Purging removes the rows first, in one transaction with their audit rows, and the
objects after the commit. A failed object delete then leaves an orphan (bytes no row
names), which ``pdms documents orphans --delete`` removes later; the other order could
leave rows whose bytes are gone, documents that list but cannot be downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.audit.models import AuditEvent
from pdms_core.documents.lookups import RETENTION, YEARS
from pdms_core.documents.models import Document
from pdms_core.lookups.models import LookupSet, LookupValue

DELETED = "deleted"
EXPIRED = "expired"


@dataclass(frozen=True)
class PurgeCandidate:
    """A document due to go, and why."""

    id: int
    store_key: str
    holder_type: str
    holder_id: int
    reason: str


@dataclass
class PurgeResult:
    purged: list[PurgeCandidate] = field(default_factory=list)
    #: Store keys whose objects could not be deleted (left for ``orphans --delete``).
    failed_keys: list[str] = field(default_factory=list)


def years_before(moment: datetime, years: int) -> datetime:
    """``moment`` that many calendar years earlier (29 February falls back a day)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


async def purge_candidates(
    session: AsyncSession, *, now: datetime, deleted_days: int
) -> list[PurgeCandidate]:
    """Deleted documents older than ``deleted_days``, then documents past retention.

    A retention class without a whole number of years (``permanent``) never expires.
    Values read as the council set them, inactive ones included: deactivating a class
    stops its use for new documents, not the purge of the old ones.
    """
    columns = (
        Document.id,
        Document.store_key,
        Document.holder_type,
        Document.holder_id,
    )
    found: dict[int, PurgeCandidate] = {}
    cutoff = now - timedelta(days=deleted_days)
    rows = await session.execute(
        select(*columns).where(Document.deleted_at <= cutoff).order_by(Document.id)
    )
    for row in rows:
        found[row.id] = PurgeCandidate(*row, reason=DELETED)
    classes = await session.execute(
        select(LookupValue.id, LookupValue.data)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == RETENTION)
    )
    for value_id, data in classes:
        years = (data or {}).get(YEARS)
        if not isinstance(years, int) or isinstance(years, bool) or years < 0:
            continue
        rows = await session.execute(
            select(*columns)
            .where(
                Document.retention_id == value_id,
                Document.uploaded_at <= years_before(now, years),
            )
            .order_by(Document.id)
        )
        for row in rows:
            found.setdefault(row.id, PurgeCandidate(*row, reason=EXPIRED))
    return sorted(found.values(), key=lambda candidate: candidate.id)


async def remove_rows(
    session: AsyncSession, candidates: list[PurgeCandidate], actor_id: str, at: datetime
) -> None:
    """Delete the candidates' rows and write one ``purgeDocument`` audit row each (for
    the holder's trail, the row names the holder; the document id is gone with it)."""
    if not candidates:
        return
    ids = [candidate.id for candidate in candidates]
    for start in range(0, len(ids), 500):
        await session.execute(delete(Document).where(Document.id.in_(ids[start : start + 500])))
    await session.execute(
        insert(AuditEvent),
        [_audit_row(actor_id, at, "purgeDocument", "Document", str(c.id)) for c in candidates]
        + [
            _audit_row(actor_id, at, "purgeDocument", c.holder_type, str(c.holder_id))
            for c in candidates
        ],
    )


async def remove_objects(store: Any, keys: list[str]) -> list[str]:
    """Delete the objects; the keys that failed."""
    from pdms_core.documents.storage import StoreUnavailable

    failed = []
    for key in keys:
        try:
            await store.delete(key)
        except StoreUnavailable:
            failed.append(key)
    return failed


def _audit_row(actor_id: str, at: datetime, action: str, kind: str, ident: str) -> dict[str, Any]:
    return {
        "at": at,
        "actor_kind": "system",
        "actor_id": actor_id,
        "action": action,
        "outcome": "ok",
        "target_type": kind[:60],
        "target_id": ident[:60],
        "ip": None,
    }


async def known_keys(session: AsyncSession) -> set[str]:
    """Every store key a row names (deleted documents' included: their objects go only
    when the purge removes the row), letter templates' files included."""
    from pdms_core.letters.models import LetterTemplate

    documents = set(await session.scalars(select(Document.store_key)))
    return documents | set(await session.scalars(select(LetterTemplate.store_key)))


async def record_orphans_deleted(
    session: AsyncSession, keys: list[str], actor_id: str, at: datetime
) -> None:
    if keys:
        await session.execute(
            insert(AuditEvent),
            [_audit_row(actor_id, at, "deleteOrphanObject", "StoredObject", key) for key in keys],
        )
