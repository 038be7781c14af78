"""Merging people: every reference to the merged people moves to the survivor.

No strawberry here: the GraphQL layer and any future CLI call the same function.
Each change is kept in ``person_merge_change`` so that :mod:`pdms_core.merging.unmerge`
can put it back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.errors import Conflict, NotAllowed, NotFound, UserError, UserErrors, ValidationFailed
from pdms_core.merging.models import (
    DROPPED,
    MOVED,
    PersonMerge,
    PersonMergeChange,
    PersonMergeMember,
)
from pdms_core.merging.references import BoundReference
from pdms_core.merging.rows import row_to_json
from pdms_core.people.models import Person

#: At most this many people merged into one survivor in one go.
MAX_MERGED = 20
#: Rows moved by one UPDATE (an IN list of ids well inside every driver's limits).
BATCH = 500
STALE = "The person was changed by someone else; reload them and try again."


@dataclass(frozen=True)
class PersonVersion:
    """A person, and the version the reviewer looked at."""

    person_id: int
    expected_version: int


async def merge_people(
    session: AsyncSession,
    actor: Actor,
    *,
    survivor: PersonVersion,
    merged: Sequence[PersonVersion],
    references: Sequence[BoundReference],
) -> PersonMerge:
    """Merge ``merged`` into ``survivor``; CONFLICT if any of them changed meanwhile."""
    _check_input(survivor, merged)
    # Write first, read after: on SQLite a transaction that reads before it writes
    # cannot wait for a concurrent writer. One order for every merge, so two merges
    # of overlapping people cannot deadlock on PostgreSQL either.
    wanted = sorted([survivor, *merged], key=lambda p: p.person_id)
    failed = [p for p in wanted if not await _claim(session, p, survivor.person_id)]
    if failed:
        await _diagnose(session, survivor, merged, {p.person_id for p in failed})
    snapshots = await _snapshots(session, merged)
    merge = PersonMerge(survivor_id=survivor.person_id, merged_by=actor.id)
    session.add(merge)
    await session.flush()
    session.add_all(
        PersonMergeMember(merge_id=merge.id, person_id=pid, person_row=snapshots[pid])
        for pid in (m.person_id for m in merged)
    )
    gone = {m.person_id for m in merged}
    changes = []
    for reference in references:
        changes.extend(await _move(session, reference, gone, survivor.person_id))
    for start in range(0, len(changes), BATCH):
        # Core's executemany: thousands of snapshot rows without ORM bookkeeping
        batch = [{**change, "merge_id": merge.id} for change in changes[start : start + BATCH]]
        await session.execute(insert(PersonMergeChange.__table__), batch)
    await session.flush()
    return merge


def _change(**values: Any) -> dict[str, Any]:
    """One snapshot row; every column given, so a batch of them inserts as one."""
    empty = dict.fromkeys(("column_name", "old_value", "new_value", "row_data"))
    return {**empty, **values}


def _check_input(survivor: PersonVersion, merged: Sequence[PersonVersion]) -> None:
    if not merged:
        raise ValidationFailed("Name at least one person to merge.", field="merged")
    if len(merged) > MAX_MERGED:
        raise ValidationFailed(f"Merge at most {MAX_MERGED} people at once.", field="merged")
    ids = [m.person_id for m in merged]
    if survivor.person_id in ids:
        raise ValidationFailed("A person cannot be merged into themselves.", field="merged")
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Each person may be named once.", field="merged")


async def _diagnose(
    session: AsyncSession,
    survivor: PersonVersion,
    merged: Sequence[PersonVersion],
    failed: set[int],
) -> None:
    """Say why the people in ``failed`` could not be claimed, as typed errors."""
    rows = (await session.execute(select(Person.__table__).where(Person.id.in_(failed)))).all()
    found = {row.id: row for row in rows}
    errors: list[UserError] = []
    for position, person in enumerate([survivor, *merged]):
        if person.person_id not in failed:
            continue
        field = "survivor.id" if position == 0 else f"merged.{position - 1}.id"
        row = found.get(person.person_id)
        if row is None:
            errors.append(NotFound("There is no such person.", field=field))
        elif row.merged_into_id is not None:
            errors.append(NotAllowed("This person has already been merged.", field=field))
        else:
            errors.append(Conflict(STALE, field=field.replace(".id", ".expectedVersion")))
    raise UserErrors(errors)


async def _snapshots(
    session: AsyncSession, merged: Sequence[PersonVersion]
) -> dict[int, dict[str, Any]]:
    """The merged people's rows as they were: as now, but for what the claim changed."""
    table = Person.__table__
    rows = await session.execute(select(table).where(Person.id.in_([m.person_id for m in merged])))
    expected = {m.person_id: m.expected_version for m in merged}
    return {
        row.id: {
            **row_to_json(table, row),
            "version": expected[row.id],
            "merged_into_id": None,
        }
        for row in rows
    }


async def _claim(session: AsyncSession, person: PersonVersion, survivor_id: int) -> bool:
    """Bump the person's version if it is still the one the reviewer saw; mark the
    merged ones. A concurrent merge of the same person makes this match no row."""
    values: dict[str, Any] = {"version": Person.version + 1}
    if person.person_id != survivor_id:
        values["merged_into_id"] = survivor_id
    result = await session.execute(
        update(Person)
        .where(
            Person.id == person.person_id,
            Person.version == person.expected_version,
            Person.merged_into_id.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def _move(
    session: AsyncSession, ref: BoundReference, gone: set[int], survivor_id: int
) -> list[dict[str, Any]]:
    """Point ``ref``'s rows at the survivor; drop those that would name the survivor
    twice or repeat a row the survivor already has."""
    table, key = ref.table, ref.key
    rows = (
        await session.execute(
            select(table)
            .where(or_(*(c.in_(gone) for c in ref.columns)), *(c == v for c, v in ref.where))
            .order_by(key)
        )
    ).all()
    if not ref.distinct and not ref.unique_sets():
        return await _move_all(session, ref, rows, gone, survivor_id)
    return await _move_checked(session, ref, rows, gone, survivor_id)


async def _move_checked(
    session: AsyncSession, ref: BoundReference, rows: Sequence[Any], gone: set[int], survivor: int
) -> list[dict[str, Any]]:
    """Decide row by row, in memory, which rows a unique constraint (or ``distinct``)
    refuses, then delete those and move the rest a batch at a time.

    Only a tuple that gains the survivor can collide, so the rows to check against
    are those already naming the survivor, plus the moved rows as they move. No row
    gives up the survivor, so after the deletes the batched UPDATEs never pass
    through a collision either.
    """
    key, sets = ref.key, ref.unique_sets()
    held = await _survivor_tuples(session, ref, sets, survivor)
    for row in rows:  # the rows as they are now, before any moves
        for columns in sets:
            held[columns].add(_tuple(columns, row._mapping))
    drops: list[Any] = []
    moves: dict[tuple[str, ...], list[int]] = defaultdict(list)
    changes: list[dict[str, Any]] = []
    for row in rows:
        values = {c: row._mapping[c] for c in ref.table.columns}
        new = {c: survivor if values[c] in gone else values[c] for c in ref.columns}
        after = {**values, **new}
        for columns in sets:
            held[columns].discard(_tuple(columns, values))
        refused = _names_twice(ref, {c.name: v for c, v in new.items()}) or any(
            _tuple(columns, after) in held[columns] for columns in sets
        )
        if refused:
            for columns in sets:  # it stays where it is until the delete
                held[columns].add(_tuple(columns, values))
            drops.append(row)
            continue
        for columns in sets:
            held[columns].add(_tuple(columns, after))
        moved = [c for c in ref.columns if new[c] != values[c]]
        moves[tuple(c.name for c in moved)].append(values[key])
        changes.extend(
            _change(
                action=MOVED,
                table_name=ref.table.name,
                row_id=values[key],
                column_name=c.name,
                old_value=values[c],
                new_value=survivor,
            )
            for c in moved
        )
    await _delete(session, ref, drops, changes)
    for names, ids in moves.items():
        for start in range(0, len(ids), BATCH):
            await session.execute(
                update(ref.table)
                .where(key.in_(ids[start : start + BATCH]))
                .values(dict.fromkeys(names, survivor))
            )
    return changes


def _tuple(columns: Sequence[Any], values: Mapping[Any, Any]) -> tuple[Any, ...] | None:
    """The values a unique constraint sees; None (never equal) when one is NULL."""
    found = tuple(values[c] for c in columns)
    return None if any(v is None for v in found) else found


async def _survivor_tuples(
    session: AsyncSession, ref: BoundReference, sets: Sequence[Sequence[Any]], survivor: int
) -> dict[Any, set[Any]]:
    held: dict[Any, set[Any]] = {}
    for columns in sets:
        naming = [c for c in ref.columns if c in columns]
        rows = await session.execute(select(*columns).where(or_(*(c == survivor for c in naming))))
        held[columns] = {tuple(row) for row in rows}
    return held


async def _delete(
    session: AsyncSession, ref: BoundReference, drops: Sequence[Any], changes: list[Any]
) -> None:
    ids = [row._mapping[ref.key] for row in drops]
    for start in range(0, len(ids), BATCH):
        await session.execute(delete(ref.table).where(ref.key.in_(ids[start : start + BATCH])))
    changes.extend(
        _change(
            action=DROPPED,
            table_name=ref.table.name,
            row_id=row._mapping[ref.key],
            row_data=row_to_json(ref.table, row),
        )
        for row in drops
    )


async def _move_all(
    session: AsyncSession, ref: BoundReference, rows: Sequence[Any], gone: set[int], survivor: int
) -> list[dict[str, Any]]:
    """Move rows that no constraint can refuse with one UPDATE per column and batch:
    exactly the rows read (by id), so a row added meanwhile is never moved unrecorded."""
    changes: list[dict[str, Any]] = []
    for column in ref.columns:
        hits = [(row._mapping[ref.key], row._mapping[column]) for row in rows]
        hits = [(row_id, value) for row_id, value in hits if value in gone]
        for start in range(0, len(hits), BATCH):
            ids = [row_id for row_id, _ in hits[start : start + BATCH]]
            await session.execute(
                update(ref.table).where(ref.key.in_(ids)).values({column.name: survivor})
            )
        changes.extend(
            _change(
                action=MOVED,
                table_name=ref.table.name,
                row_id=row_id,
                column_name=column.name,
                old_value=value,
                new_value=survivor,
            )
            for row_id, value in hits
        )
    return changes


def _names_twice(ref: BoundReference, values: dict[str, Any]) -> bool:
    named = [v for v in values.values() if v is not None]
    return ref.distinct and len(set(named)) < len(named)


async def collides(
    session: AsyncSession,
    table: Any,
    key: Any,
    row_id: Any,
    values: dict[str, Any],
    unique_sets: Sequence[Sequence[Any]],
) -> bool:
    """Whether a row other than ``row_id`` holds ``values`` in any of ``unique_sets``
    (NULLs never collide, as in SQL)."""
    for columns in unique_sets:
        if any(values[c.name] is None for c in columns):
            continue
        same = and_(*(c == values[c.name] for c in columns), key != row_id)
        if await session.scalar(select(key).where(same).limit(1)) is not None:
            return True
    return False
