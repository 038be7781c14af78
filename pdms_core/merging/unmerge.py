"""Un-merging: every reference a merge moved goes back, unless it changed since.

A moved reference that still names the survivor goes back to the merged person; a
dropped row comes back whole. Anything else (the row was deleted or pointed
elsewhere since, or a dropped row's place is taken) is ambiguous: the un-merge then
changes nothing and reports those changes, and the reviewer repeats it with a
decision for each (restore it anyway, or keep it as it is now). All or nothing, so a
half-undone merge never exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.auth.tokens import now
from pdms_core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from pdms_core.merging.merge import BATCH, collides
from pdms_core.merging.models import (
    DROPPED,
    MOVED,
    PersonMerge,
    PersonMergeChange,
    PersonMergeMember,
)
from pdms_core.merging.references import BoundReference
from pdms_core.merging.rows import row_from_json
from pdms_core.people.models import Person

#: Why a change cannot be undone on its own.
ROW_GONE = "row_gone"
CHANGED_SINCE = "changed_since"
PLACE_TAKEN = "place_taken"


@dataclass(frozen=True)
class ChangeView:
    """A change's values, readable after its session rolled back."""

    id: int
    action: str
    table_name: str
    row_id: int
    column_name: str | None
    old_value: int | None
    new_value: int | None

    @classmethod
    def of(cls, row: PersonMergeChange) -> ChangeView:
        return cls(*(getattr(row, name) for name in cls.__dataclass_fields__))


@dataclass(frozen=True)
class Pending:
    """A change that needs the reviewer's decision, and why."""

    change: ChangeView
    reason: str
    #: What the column holds now (moved changes whose row still exists).
    current_value: int | None = None


class NeedsDecision(Conflict):
    """Some changes cannot be undone unambiguously; nothing was changed."""

    def __init__(self, pending: Sequence[Pending]):
        super().__init__(
            f"{len(pending)} reference(s) changed since the merge; decide each one.",
            field="decisions",
        )
        self.pending = list(pending)


async def unmerge_people(
    session: AsyncSession,
    actor: Actor,
    *,
    merge_id: int,
    expected_version: int,
    decisions: Mapping[int, bool],
    references: Sequence[BoundReference],
) -> PersonMerge:
    """Undo merge ``merge_id``. ``decisions`` maps a change id to True (restore it
    anyway) or False (leave it as it is now), for changes reported as pending."""
    # Write first, read after (see merge.py): claim the merge, then look at it.
    claimed = await session.execute(
        update(PersonMerge)
        .where(
            PersonMerge.id == merge_id,
            PersonMerge.version == expected_version,
            PersonMerge.undone_at.is_(None),
        )
        .values(version=PersonMerge.version + 1, undone_at=now(), undone_by=actor.id)
        .execution_options(synchronize_session=False)
    )
    merge = await session.get(PersonMerge, merge_id, populate_existing=True)
    if claimed.rowcount != 1:
        if merge is None:
            raise NotFound("There is no such merge.", field="id")
        if merge.undone_at is not None:
            raise NotAllowed("This merge has already been undone.", field="id")
        raise Conflict("The merge was changed by someone else; reload it.", field="expectedVersion")
    assert merge is not None
    survivor = await session.get(Person, merge.survivor_id)
    if survivor is not None and survivor.merged_into_id is not None:
        raise NotAllowed(
            "The survivor has since been merged into someone else; undo that merge first.",
            field="id",
        )
    tables = {ref.table.name: ref for ref in references}
    changes = (
        await session.scalars(
            select(PersonMergeChange)
            .where(PersonMergeChange.merge_id == merge_id)
            .order_by(PersonMergeChange.id)
        )
    ).all()
    now_held = await _current_values(session, tables, changes)
    pending = [p for c in changes if (p := await _check(session, tables, now_held, c)) is not None]
    _check_decisions(pending, decisions, changes)
    waiting = {p.change.id for p in pending}
    await _restore(
        session,
        tables,
        [c for c in changes if c.id not in waiting or decisions[c.id]],
    )
    await _revive(session, merge)
    return merge


#: (table, column, row id) -> the person id the column holds now.
Held = dict[tuple[str, str, int], Any]


async def _current_values(
    session: AsyncSession, tables: Mapping[str, BoundReference], changes: Sequence[Any]
) -> Held:
    """What every moved column holds now: one statement per column and batch."""
    wanted: dict[tuple[str, str], list[int]] = defaultdict(list)
    for change in changes:
        if change.action == MOVED and change.table_name in tables:
            wanted[change.table_name, change.column_name].append(change.row_id)
    held: Held = {}
    for (table_name, column_name), ids in wanted.items():
        ref = tables[table_name]
        column = ref.table.c[column_name]
        for start in range(0, len(ids), BATCH):
            rows = await session.execute(
                select(ref.key, column).where(ref.key.in_(ids[start : start + BATCH]))
            )
            held.update(((table_name, column_name, row_id), value) for row_id, value in rows)
    return held


async def _check(
    session: AsyncSession,
    tables: Mapping[str, BoundReference],
    now_held: Held,
    change: PersonMergeChange,
) -> Pending | None:
    ref = tables.get(change.table_name)
    if ref is None:  # the module that declared it is no longer installed
        return Pending(ChangeView.of(change), ROW_GONE)
    key = ref.key
    if change.action == DROPPED:
        values = row_from_json(ref.table, change.row_data or {})
        taken = await session.scalar(select(key).where(key == change.row_id))
        if taken is not None or await collides(
            session, ref.table, key, change.row_id, values, ref.unique_sets()
        ):
            return Pending(ChangeView.of(change), PLACE_TAKEN)
        return None
    where = (change.table_name, change.column_name, change.row_id)
    if where not in now_held:
        return Pending(ChangeView.of(change), ROW_GONE)
    if now_held[where] != change.new_value:
        return Pending(ChangeView.of(change), CHANGED_SINCE, now_held[where])
    return None


def _check_decisions(
    pending: Sequence[Pending], decisions: Mapping[int, bool], changes: Sequence[Any]
) -> None:
    known = {c.id for c in changes}
    waiting = {p.change.id: p for p in pending}
    for change_id, restore in decisions.items():
        if change_id not in known:
            raise ValidationFailed("That change is not part of this merge.", field="decisions")
        if change_id not in waiting:
            raise ValidationFailed("That change needs no decision.", field="decisions")
        if restore and waiting[change_id].reason != CHANGED_SINCE:
            raise ValidationFailed(
                "That change cannot be restored (its row is gone or its place is taken); "
                "keep it as it is.",
                field="decisions",
            )
    undecided = [p for p in pending if p.change.id not in decisions]
    if undecided:
        raise NeedsDecision(undecided)


async def _restore(
    session: AsyncSession, tables: Mapping[str, BoundReference], changes: Sequence[Any]
) -> None:
    """Moves back first (one UPDATE per column, person and batch), then the dropped
    rows: they lived beside the moved ones before the merge."""
    moves: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for change in changes:
        if change.action == MOVED:
            moves[change.table_name, change.column_name, change.old_value].append(change.row_id)
    for (table_name, column_name, old_value), ids in moves.items():
        ref = tables[table_name]
        for start in range(0, len(ids), BATCH):
            await session.execute(
                update(ref.table)
                .where(ref.key.in_(ids[start : start + BATCH]))
                .values({column_name: old_value})
            )
    for change in changes:
        if change.action == DROPPED:
            table = tables[change.table_name].table
            await session.execute(insert(table).values(row_from_json(table, change.row_data)))


async def _revive(session: AsyncSession, merge: PersonMerge) -> None:
    """The merged people are people again; every version moves on, so an edit made
    against a read taken during the merge conflicts."""
    members = select(PersonMergeMember.person_id).where(PersonMergeMember.merge_id == merge.id)
    await session.execute(
        update(Person)
        .where(Person.id.in_(members))
        .values(merged_into_id=None, version=Person.version + 1)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Person)
        .where(Person.id == merge.survivor_id)
        .values(version=Person.version + 1)
        .execution_options(synchronize_session=False)
    )
