"""Gazetteer churn: deleted UPRNs, historical ones, and the people living at them.

When a UPRN is retired (deleted, or made historical with a successor), people whose
*current* address is that place are moved to the successor's place, with a note on the
address saying who moved them and why; their ended addresses stay where they were,
because that is where they lived. A deleted place that something still points at (an
ended address, a module's record, a document) cannot simply go: it is kept and marked historical
(LOGICAL_STATUS 8), which is what the gazetteer itself does with retired addresses.

What points at a place is read from the database's own foreign keys, as
``pdms_core.lookups.usage`` does for lookup values: a disabled module's tables still
hold references even though its models are not loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from sqlalchemy import case, column, delete, inspect, select, table, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.documents.models import Document
from pdms_core.gazetteer.records import DELETE, SuccessorRecord
from pdms_core.people.models import Person, PersonAddress
from pdms_core.places.models import HISTORICAL, Place

_PLACE = Place.__table__
_ADDRESS = PersonAddress.__table__
_PERSON = Person.__table__
#: Bound parameters per statement, well under SQLite's and asyncpg's limits.
CHUNK = 5000
T = TypeVar("T")


class Repointing(NamedTuple):
    """A person's current address moved from a retired UPRN to its successor."""

    person_address_id: int
    person_id: int
    from_uprn: int
    to_uprn: int


@dataclass
class Retirement:
    """What retiring places did."""

    deleted: int = 0
    historical: int = 0
    deletes_not_found: int = 0
    repointed: list[Repointing] = field(default_factory=list)
    #: Successor links that could not be followed, and why.
    unresolved: list[str] = field(default_factory=list)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def retire(
    connection: AsyncConnection,
    deletes: Iterable[int],
    successors: Sequence[SuccessorRecord],
    note: str,
) -> Retirement:
    """Re-point current addresses, then delete (or mark historical) deleted UPRNs.

    ``note`` is appended to each re-pointed address, after "Re-pointed from UPRN X to Y".
    """
    outcome = Retirement()
    deletes = set(deletes)
    links: dict[int, set[int]] = {}
    for link in successors:
        if link.change != DELETE:
            links.setdefault(link.uprn, set()).add(link.successor)
    wanted = deletes | links.keys() | {s for targets in links.values() for s in targets}
    places = await _places(connection, wanted)  # uprn -> (id, logical_status)
    retired = deletes | {u for u in links if u in places and places[u][1] == HISTORICAL}
    moves = []
    for uprn in sorted(links.keys() & retired):
        if uprn not in places:
            continue
        target = _follow(uprn, links, retired, places, outcome.unresolved)
        if target is not None:
            moves.append((uprn, target))
    await _repoint(connection, moves, places, note, outcome)
    await _delete(connection, sorted(deletes), places, outcome)
    return outcome


def _follow(
    uprn: int,
    links: dict[int, set[int]],
    retired: set[int],
    places: dict[int, tuple[int, int | None]],
    unresolved: list[str],
) -> int | None:
    """The live place at the end of ``uprn``'s successor chain, if there is exactly one."""
    seen = {uprn}
    current = uprn
    while current in links:
        targets = links[current]
        if len(targets) > 1:
            unresolved.append(f"UPRN {current} has {len(targets)} successors; not re-pointed")
            return None
        (current,) = targets
        if current in seen:
            unresolved.append(f"the successors of UPRN {uprn} form a loop; not re-pointed")
            return None
        seen.add(current)
        if current not in retired:
            break
    if current not in places:
        unresolved.append(f"successor UPRN {current} of UPRN {uprn} is not in the database")
        return None
    if current in retired:
        unresolved.append(f"successor UPRN {current} of UPRN {uprn} is itself retired")
        return None
    return current


async def _places(
    connection: AsyncConnection, uprns: set[int]
) -> dict[int, tuple[int, int | None]]:
    found = {}
    for chunk in chunks(sorted(uprns)):
        statement = select(_PLACE.c.uprn, _PLACE.c.id, _PLACE.c.logical_status).where(
            _PLACE.c.uprn.in_(chunk)
        )
        for uprn, place_id, status in await connection.execute(statement):
            found[uprn] = (place_id, status)
    return found


async def _repoint(
    connection: AsyncConnection,
    moves: list[tuple[int, int]],
    places: dict[int, tuple[int, int | None]],
    note: str,
    outcome: Retirement,
) -> None:
    for old, new in moves:
        old_id, new_id = places[old][0], places[new][0]
        current = (
            await connection.execute(
                select(_ADDRESS.c.id, _ADDRESS.c.person_id).where(
                    _ADDRESS.c.place_id == old_id, _ADDRESS.c.to_date.is_(None)
                )
            )
        ).all()
        if not current:
            continue
        text = f"Re-pointed from UPRN {old} to {new} {note}"
        await connection.execute(
            update(_ADDRESS)
            .where(_ADDRESS.c.id.in_([row.id for row in current]))
            .values(
                place_id=new_id,
                note=case((_ADDRESS.c.note == "", text), else_=_ADDRESS.c.note + "\n" + text),
            )
        )
        # The address belongs to the person aggregate: an officer editing the person
        # right now must get a conflict, not overwrite the move.
        await connection.execute(
            update(_PERSON)
            .where(_PERSON.c.id.in_({row.person_id for row in current}))
            .values(version=_PERSON.c.version + 1)
        )
        outcome.repointed.extend(Repointing(row.id, row.person_id, old, new) for row in current)


async def _delete(
    connection: AsyncConnection,
    uprns: list[int],
    places: dict[int, tuple[int, int | None]],
    outcome: Retirement,
) -> None:
    ids = [places[uprn][0] for uprn in uprns if uprn in places]
    outcome.deletes_not_found = len(uprns) - len(ids)
    if not ids:
        return
    used = await _referenced(connection, ids)
    for chunk in chunks([i for i in ids if i not in used]):
        result = await connection.execute(delete(_PLACE).where(_PLACE.c.id.in_(chunk)))
        outcome.deleted += result.rowcount
    for chunk in chunks(sorted(used)):
        result = await connection.execute(
            update(_PLACE)
            .where(_PLACE.c.id.in_(chunk), _PLACE.c.logical_status.is_distinct_from(HISTORICAL))
            .values(logical_status=HISTORICAL, version=_PLACE.c.version + 1)
        )
        outcome.historical += result.rowcount


async def _referenced(connection: AsyncConnection, ids: list[int]) -> set[int]:
    """The subset of place ``ids`` that some row in the database points at."""

    def foreign_keys(sync_connection) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
        inspector = inspect(sync_connection)
        return sorted(
            (name, fk["constrained_columns"][0])
            for name in inspector.get_table_names()
            for fk in inspector.get_foreign_keys(name)
            if fk["referred_table"] == _PLACE.name and len(fk["constrained_columns"]) == 1
        )

    used: set[int] = set()
    for table_name, column_name in await connection.run_sync(foreign_keys):
        referencing = column(column_name)
        for chunk in chunks(ids):
            statement = (
                select(referencing)
                .select_from(table(table_name, referencing))
                .where(referencing.in_(chunk))
                .distinct()
            )
            used.update(value for (value,) in await connection.execute(statement))
    # Documents name their holder without a foreign key; a place holding any keeps
    # them as a historical place, like any other record pointing at it.
    held = Document.__table__
    for chunk in chunks(ids):
        statement = (
            select(held.c.holder_id)
            .where(
                held.c.holder_type == "Place",
                held.c.holder_id.in_(chunk),
                held.c.deleted_at.is_(None),
            )
            .distinct()
        )
        used.update(value for (value,) in await connection.execute(statement))
    return used
