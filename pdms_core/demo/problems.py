"""Fictional cases for a demo council or a benchmark, bulk-inserted from a seed.

Each case has three demands (one presenting, with a root cause recorded behind it,
and one more), a party and a place, and three activities with a few tasks each. The
history holds together: a case opens on its presenting demand's day, no earlier than
its subject moved into the home it is about; the other demands come after; each
activity falls between its demand's receipt and resolution. The
county size (50,000 cases: 150,000 demands and activities, 450,000 tasks) builds in
well under a minute, because rows go in with executemany, not the ORM unit of work.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.activities.models import Activity, Task
from pdms_core.cases.models import CaseParty, CasePlace, CaseRecord
from pdms_core.cases.references import claim_numbers, default_prefix, format_reference
from pdms_core.demands.models import Demand, DemandCause
from pdms_core.demo.bulk import insert_many
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.records import CORE

DEMANDS_PER_CASE = 3
ACTIVITIES_PER_CASE = 3
START = date(2022, 4, 1)
#: Cases open within these two years (and so long before "today": no future activity).
OPENING_DAYS = 730
#: Days after the case opened within which the other demands arrive.
LATER_DEMAND_DAYS = 60
#: An unresolved demand's activities fall within this many days of its receipt.
OPEN_DEMAND_DAYS = 90


@dataclass(frozen=True)
class ProblemCounts:
    cases: int
    demands: int
    activities: int
    tasks: int


@dataclass(frozen=True)
class CoreLists:
    """Ids of core's lookup values the generated records use."""

    statuses: list[int]
    demand_types: list[int]
    task_categories: list[int]
    subject: int

    @classmethod
    async def read(cls, connection: AsyncConnection) -> CoreLists:
        rows = await connection.execute(
            select(LookupSet.code, LookupValue.code, LookupValue.id)
            .join(LookupSet, LookupSet.id == LookupValue.set_id)
            .order_by(LookupValue.sort_order, LookupValue.id)
        )
        by_set: dict[str, dict[str, int]] = {}
        for set_code, code, value_id in rows:
            by_set.setdefault(set_code, {})[code] = value_id
        statuses = by_set["case_status"]
        return cls(
            statuses=[statuses["open"], statuses["in_progress"]],
            demand_types=list(by_set["demand_type"].values()),
            task_categories=list(by_set["task_category"].values()),
            subject=by_set["party_role"]["subject"],
        )


async def add_problems(
    connection: AsyncConnection,
    cases: int,
    places: Sequence[int],
    people: Sequence[tuple[int, int, date]] = (),
    *,
    seed: int = 7,
    tasks_per_activity: int = 3,
) -> ProblemCounts:
    """Add ``cases`` core cases with their demands, activities and tasks.

    Each case is about one of ``places``; when ``people`` (person id, home place id,
    date they moved in) are given, each case instead has one of them as its subject,
    about their home, opened no earlier than they moved in.
    """
    rng = random.Random(seed)
    lists = await CoreLists.read(connection)
    first = await _claim_references(connection, cases)
    subjects = [rng.choice(people) for _ in range(cases)] if people else []
    opened_on = [_opening(rng, subjects[n][2] if subjects else START) for n in range(cases)]
    case_ids = await insert_many(
        connection,
        CaseRecord,
        [
            {
                "reference": format_reference(default_prefix(CORE), first + n),
                "module": CORE,
                "status_id": rng.choice(lists.statuses),
                "summary": f"Demo case {first + n}",
                "opened_on": opened_on[n],
            }
            for n in range(cases)
        ],
        returning=True,
    )
    if subjects:
        await insert_many(
            connection,
            CaseParty,
            [
                {"case_id": case, "person_id": person, "role_id": lists.subject}
                for case, (person, _home, _since) in zip(case_ids, subjects, strict=True)
            ],
        )
    homes = [home for _person, home, _since in subjects] or [rng.choice(places) for _ in case_ids]
    await insert_many(
        connection,
        CasePlace,
        [{"case_id": case, "place_id": place} for case, place in zip(case_ids, homes, strict=True)],
    )
    demands = _demand_rows(case_ids, opened_on, lists, rng)
    demand_ids = await _add_demands(connection, demands, cases)
    # Activity n works on the case of demand n (both are indexed case by case), in
    # office hours between that demand's receipt and its resolution.
    activity_ids = await insert_many(
        connection,
        Activity,
        [
            {
                "case_id": case_ids[n % cases],
                "occurred_at": _during(demands[n], rng),
                "notes": f"Contact {n // cases + 1}",
            }
            for n in range(cases * ACTIVITIES_PER_CASE)
        ],
        returning=True,
    )
    tasks = [
        {
            "activity_id": activity,
            "category_id": rng.choice(lists.task_categories),
            "minutes": rng.randrange(90),
        }
        for activity in activity_ids
        for _ in range(tasks_per_activity)
    ]
    await insert_many(connection, Task, tasks)
    return ProblemCounts(len(case_ids), len(demand_ids), len(activity_ids), len(tasks))


async def _claim_references(connection: AsyncConnection, count: int) -> int:
    """Take ``count`` core case numbers, so cases opened later never reuse one."""
    return await claim_numbers(connection, CORE, count)


def _opening(rng: random.Random, since: date) -> date:
    """A day within the opening window, no earlier than ``since``."""
    earliest = max(START, since)
    last = START + timedelta(days=OPENING_DAYS - 1)
    return earliest + timedelta(days=rng.randrange(max((last - earliest).days, 0) + 1))


def _during(demand: dict[str, Any], rng: random.Random) -> datetime:
    """A moment in office hours (UTC) from ``demand``'s receipt to its resolution."""
    received: date = demand["received_on"]
    resolved: date | None = demand["resolved_on"]
    span = (resolved - received).days if resolved else OPEN_DEMAND_DAYS
    day = received + timedelta(days=rng.randrange(span + 1))
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(8 * 60)
    )


def _demand_rows(
    case_ids: list[int], opened_on: list[date], lists: CoreLists, rng: random.Random
) -> list[dict[str, Any]]:
    """Presenting demands first (one per case, received the day the case opened), then
    the others, received in the weeks after."""
    cases = len(case_ids)
    rows = []
    for n in range(cases * DEMANDS_PER_CASE):
        received = opened_on[n % cases]
        if n >= cases:
            received += timedelta(days=rng.randrange(LATER_DEMAND_DAYS))
        resolved = received + timedelta(days=int(rng.expovariate(1 / 12)))
        rows.append(
            {
                "case_id": case_ids[n % cases],
                "module": CORE,
                "type_id": rng.choice(lists.demand_types),
                "nature": rng.choice(("value", "value", "failure")),
                "is_presenting": n < cases,
                "received_on": received,
                "resolved_on": resolved if rng.random() < 0.8 else None,
            }
        )
    return rows


async def _add_demands(
    connection: AsyncConnection, rows: list[dict[str, Any]], cases: int
) -> list[int]:
    """Insert the demands; the second of each case lies behind the presenting one as its
    root cause."""
    ids = await insert_many(connection, Demand, rows, returning=True)
    await insert_many(
        connection,
        DemandCause,
        [{"presenting_id": ids[n], "underlying_id": ids[n + cases]} for n in range(cases)],
    )
    return ids
