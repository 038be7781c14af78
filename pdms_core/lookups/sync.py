"""``pdms lookups sync``: bring the database in step with the modules' declared lists.

Idempotent: a second run changes nothing. Seed values are upserted by code; a seed
value a module no longer declares is deleted when nothing uses it and deactivated when
something does. Values the council added, and labels it changed, are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.lookups.models import SEED, LookupSet, LookupValue
from pdms_core.lookups.usage import values_in_use
from pdms_core.records import LookupSeed, LookupSetSpec


@dataclass
class SyncReport:
    """What one sync changed, list by list."""

    sets_created: list[str] = field(default_factory=list)
    sets_updated: list[str] = field(default_factory=list)
    values_created: list[str] = field(default_factory=list)
    values_updated: list[str] = field(default_factory=list)
    values_deactivated: list[str] = field(default_factory=list)
    values_deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.sets_created,
                self.sets_updated,
                self.values_created,
                self.values_updated,
                self.values_deactivated,
                self.values_deleted,
            )
        )

    def summary(self) -> str:
        return (
            f"{len(self.sets_created)} lists created, {len(self.sets_updated)} lists updated, "
            f"{len(self.values_created)} values "
            f"created, {len(self.values_updated)} updated, {len(self.values_deactivated)} "
            f"deactivated, {len(self.values_deleted)} deleted"
        )


async def sync_lookups(
    session: AsyncSession, declared: Sequence[tuple[str, LookupSetSpec]]
) -> SyncReport:
    """Upsert every declared list and its seeds; retire seeds no longer declared."""
    report = SyncReport()
    sets = {s.code: s for s in (await session.scalars(select(LookupSet))).all()}
    retiring: list[tuple[LookupSetSpec, dict[str, LookupValue]]] = []
    for module, spec in _parents_first(declared):
        lookup_set = sets.get(spec.code)
        if lookup_set is None:
            lookup_set = LookupSet(code=spec.code)
            session.add(lookup_set)
            sets[spec.code] = lookup_set
            report.sets_created.append(spec.code)
        wanted = {
            "module": module,
            "label": spec.label,
            "description": spec.description,
            "parent_set_id": sets[spec.parent_set].id if spec.parent_set else None,
        }
        if any(getattr(lookup_set, name) != value for name, value in wanted.items()):
            if lookup_set.id is not None:
                report.sets_updated.append(spec.code)
            for name, value in wanted.items():
                setattr(lookup_set, name, value)
        await session.flush()
        parents = await _values_by_code(session, lookup_set.parent_set_id)
        existing = await _sync_values(session, lookup_set, spec, parents, report)
        retiring.append((spec, existing))
    # Children before parents: a retired child deleted first no longer keeps its
    # retired parent "in use", so both go in one run and a second run has nothing to do.
    for spec, existing in reversed(retiring):
        await _retire_undeclared(session, spec, existing, report)
        await session.flush()
    return report


def _parents_first(
    declared: Sequence[tuple[str, LookupSetSpec]],
) -> list[tuple[str, LookupSetSpec]]:
    # The host has already checked that every parent is declared, so this terminates.
    ordered: list[tuple[str, LookupSetSpec]] = []
    done: set[str] = set()
    pending = list(declared)
    while pending:
        ready = [item for item in pending if item[1].parent_set in (None, *done)]
        for item in ready:
            ordered.append(item)
            done.add(item[1].code)
        pending = [item for item in pending if item not in ready]
    return ordered


async def _values_by_code(session: AsyncSession, set_id: int | None) -> dict[str, LookupValue]:
    if set_id is None:
        return {}
    rows = await session.scalars(select(LookupValue).where(LookupValue.set_id == set_id))
    return {value.code: value for value in rows}


async def _sync_values(
    session: AsyncSession,
    lookup_set: LookupSet,
    spec: LookupSetSpec,
    parents: dict[str, LookupValue],
    report: SyncReport,
) -> dict[str, LookupValue]:
    """Upsert the seeds of one list; returns its values as they were before."""
    existing = await _values_by_code(session, lookup_set.id)
    next_order = max((v.sort_order for v in existing.values()), default=0) + 1
    for seed in spec.seeds:
        parent_id = parents[seed.parent].id if seed.parent else None
        value = existing.get(seed.code)
        name = f"{spec.code}:{seed.code}"
        if value is None:
            session.add(
                LookupValue(
                    set_id=lookup_set.id,
                    code=seed.code,
                    label=seed.label,
                    sort_order=next_order,
                    parent_id=parent_id,
                    origin=SEED,
                    data=_data(seed),
                )
            )
            next_order += 1
            report.values_created.append(name)
        elif value.origin == SEED:
            label = value.label if value.label_customised else seed.label
            # The council's attribute values win; attributes it never set follow the seed.
            data = (
                {**(_data(seed) or {}), **(value.data or {})}
                if value.data_customised
                else _data(seed)
            )
            wanted = (label, parent_id, data or None)
            if (value.label, value.parent_id, value.data) != wanted:
                value.label, value.parent_id, value.data = wanted
                report.values_updated.append(name)
    await session.flush()
    return existing


def _data(seed: LookupSeed) -> dict[str, Any] | None:
    return dict(seed.data) if seed.data else None


async def _retire_undeclared(
    session: AsyncSession,
    spec: LookupSetSpec,
    existing: dict[str, LookupValue],
    report: SyncReport,
) -> None:
    declared = {seed.code for seed in spec.seeds}
    retired = [v for code, v in existing.items() if v.origin == SEED and code not in declared]
    if not retired:
        return
    used = await values_in_use(session, [v.id for v in retired])
    for value in retired:
        if value.id in used:
            if value.is_active:
                value.is_active = False
                report.values_deactivated.append(f"{spec.code}:{value.code}")
        else:
            await session.delete(value)
            report.values_deleted.append(f"{spec.code}:{value.code}")
