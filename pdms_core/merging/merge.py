"""Merging people: every reference to the merged people moves to the survivor.

No strawberry here: the GraphQL layer and any future CLI call the same function.
Each change is kept in ``person_merge_change`` so that :mod:`pdms_core.merging.unmerge`
can put it back.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    """Point ``ref``'s rows at the survivor, one row at a time; drop those that would
    name the survivor twice or collide with a row the survivor already has."""
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
    changes: list[dict[str, Any]] = []
    for row in rows:
        old = {c.name: row._mapping[c] for c in ref.columns}
        new = {name: survivor_id if value in gone else value for name, value in old.items()}
        row_id = row._mapping[key]
        if _names_twice(ref, new) or await _collides(session, ref, row, new):
            await session.execute(delete(table).where(key == row_id))
            changes.append(
                _change(
                    action=DROPPED,
                    table_name=table.name,
                    row_id=row_id,
                    row_data=row_to_json(table, row),
                )
            )
            continue
        moved = {name: value for name, value in new.items() if value != old[name]}
        await session.execute(update(table).where(key == row_id).values(**moved))
        changes.extend(
            _change(
                action=MOVED,
                table_name=table.name,
                row_id=row_id,
                column_name=name,
                old_value=old[name],
                new_value=value,
            )
            for name, value in moved.items()
        )
    return changes


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


async def _collides(
    session: AsyncSession, ref: BoundReference, row: Any, new: dict[str, Any]
) -> bool:
    """Whether another row already holds the values a unique constraint would see."""
    return await collides(
        session,
        ref.table,
        ref.key,
        row._mapping[ref.key],
        {**{c.name: row._mapping[c] for c in ref.table.columns}, **new},
        ref.unique_sets(),
    )


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
