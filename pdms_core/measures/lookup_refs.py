"""Lookup values as measures show them: id, code and label, fetched in one statement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.lookups.models import LookupValue


@dataclass(frozen=True)
class LookupRef:
    """A lookup value a measure groups by."""

    id: int
    code: str
    label: str


async def lookup_refs(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, LookupRef]:
    """The lookup values with these ids (None ignored), keyed by id."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await session.execute(
        select(LookupValue.id, LookupValue.code, LookupValue.label).where(
            LookupValue.id.in_(wanted)
        )
    )
    return {row.id: LookupRef(row.id, row.code, row.label) for row in rows}


def sort_label(ref: LookupRef | None) -> str:
    """Order key for ties: by label, values without one last."""
    return "\uffff" if ref is None else ref.label.casefold()
