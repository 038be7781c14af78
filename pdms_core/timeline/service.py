"""Collecting a person's or a place's timeline across every module.

A timeline touches at most a few hundred records per person (every case they are a
party to, with its demands, activities and intentions), so it is read as narrow
(kind, id, date) rows with one statement of four indexed parts and ordered in Python;
the page is then cut with a keyset cursor. Modules add parts of their own to the same
statement (``pdms_timeline_sources``), each ranked after core's kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, cast, literal, null, select, union, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.activities.models import Activity, ActivityPerson, Task
from pdms_core.auth.actor import Actor
from pdms_core.cases.models import CaseParty, CasePlace, CaseRecord
from pdms_core.cases.visibility import within_reach
from pdms_core.db.cursors import check_first, decode_cursor, encode_cursor
from pdms_core.db.row_rules import restrict
from pdms_core.demands.models import Demand
from pdms_core.intentions.models import Intention
from pdms_core.records import TimelineSource
from pdms_core.today import LONDON

CASE, DEMAND, ACTIVITY, INTENTION = "case", "demand", "activity", "intention"
#: On the same day: the activity, then the intention it led to, the demand, the case.
RANK = {ACTIVITY: 0, INTENTION: 1, DEMAND: 2, CASE: 3}
#: Modules' kinds rank after core's, in the host's order of their sources.
FIRST_MODULE_RANK = len(RANK)


@dataclass(frozen=True)
class RankedSource:
    """A module's timeline source the caller may read, and its kind's same-day rank."""

    rank: int
    source: TimelineSource


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str
    id: int
    rank: int

    @property
    def key(self) -> list[Any]:
        return [self.on.isoformat(), self.rank, self.id]


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=LONDON)).astimezone(LONDON).date()
    return value


def _kind(kind: str) -> Any:
    return literal(kind, String).label("kind")


def _cases(person_id: int | None, place_id: int | None) -> Select[Any]:
    if person_id is not None:
        return select(CaseParty.case_id).where(CaseParty.person_id == person_id)
    return select(CasePlace.case_id).where(CasePlace.place_id == place_id)


async def collect(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int | None = None,
    place_id: int | None = None,
    sources: Sequence[RankedSource] = (),
) -> list[TimelineEntry]:
    """Every timeline entry of the person (or place) in ``actor``'s reach, newest first.

    ``sources`` are the modules' sources for this kind of holder that ``actor`` may read.
    """
    link = CaseParty if person_id is not None else CasePlace
    cases = within_reach(_cases(person_id, place_id), actor, link)
    activity_touch = Activity.case_id.in_(cases)
    if person_id is not None:
        # One set of ids, not three conditions joined by OR: PostgreSQL cannot use an
        # index for an OR of subqueries and read every activity (15 ms on the county
        # dataset); each part of the union is an index lookup (0.2 ms).
        touched = union(
            select(Activity.id).where(Activity.case_id.in_(cases)),
            select(ActivityPerson.activity_id).where(ActivityPerson.person_id == person_id),
            select(Task.activity_id).where(Task.person_id == person_id),
        )
        activity_touch = Activity.id.in_(touched)
    # One statement for the four kinds: each part stays an indexed lookup, and the
    # page costs one round trip instead of four. A day (date) and a moment (timestamp)
    # come in columns of their own, so that neither database converts one into the
    # other; the day of a moment is taken in London, as everywhere.
    no_day = cast(null(), CaseRecord.opened_on.type)
    no_moment = cast(null(), Activity.occurred_at.type)
    holder_id = person_id if person_id is not None else place_id
    assert holder_id is not None
    # A module's select of (id, day) becomes (kind, id, day, no moment) in place, so
    # its own FROM, joins and conditions stay as written; the row rule registered for
    # its model narrows it as it narrows every load of the model by id.
    module_parts = [
        (
            rows := restrict(
                ranked.source.rows(actor, holder_id), ranked.source.record_type.model, actor
            )
        ).with_only_columns(
            _kind(ranked.source.kind), *rows.selected_columns, no_moment, maintain_column_froms=True
        )
        for ranked in sources
    ]
    every_kind = union_all(
        select(_kind(CASE), CaseRecord.id, CaseRecord.opened_on, no_moment).where(
            CaseRecord.id.in_(cases)
        ),
        select(_kind(DEMAND), Demand.id, Demand.received_on, no_moment).where(
            Demand.case_id.in_(cases)
        ),
        within_reach(
            select(_kind(ACTIVITY), Activity.id, no_day, Activity.occurred_at).where(
                activity_touch
            ),
            actor,
            Activity,
        ),
        select(_kind(INTENTION), Intention.id, no_day, Intention.created_at).where(
            Intention.case_id.in_(cases)
        ),
        within_reach(
            select(_kind(INTENTION), Intention.id, no_day, Intention.created_at).where(
                Intention.person_id == person_id
                if person_id is not None
                else Intention.place_id == place_id
            ),
            actor,
            Intention,
        ),
        *module_parts,
    )
    ranks = RANK | {ranked.source.kind: ranked.rank for ranked in sources}
    entries = [
        TimelineEntry(
            on=_day(moment if day is None else day), kind=kind, id=row_id, rank=ranks[kind]
        )
        for kind, row_id, day, moment in (await session.execute(every_kind)).all()
    ]
    entries.sort(key=lambda e: (e.on, -e.rank, e.id), reverse=True)
    return entries


async def timeline_page(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: int | None = None,
    place_id: int | None = None,
    first: int | None,
    after: str | None,
    sources: Sequence[RankedSource] = (),
) -> TimelinePage:
    size = check_first(first)
    entries = await collect(session, actor, person_id=person_id, place_id=place_id, sources=sources)
    start = 0
    if after is not None:
        cursor = decode_cursor(after, 3)
        keys = [e.key for e in entries]
        start = next((i + 1 for i, key in enumerate(keys) if key == cursor), None)
        if start is None:
            start = sum(1 for e in entries if _before(e.key, cursor))
    page = entries[start : start + size]
    return TimelinePage(
        entries=page,
        cursors=[encode_cursor(e.key) for e in page],
        has_next_page=start + size < len(entries),
        has_previous_page=start > 0,
    )


def _before(key: list[Any], cursor: list[Any]) -> bool:
    """Whether ``key`` sorts before (newer than) the cursor's entry."""
    day, rank, row_id = key
    c_day, c_rank, c_id = cursor
    return (day, -rank, row_id) > (c_day, -c_rank, c_id)
