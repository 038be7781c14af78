"""Fictional cases for a demo council or a benchmark, bulk-inserted from a seed.

Each case has three demands (one presenting, with a root cause recorded behind it,
and one more), a party and a place, and three activities with a few tasks each. The
county size (50,000 cases: 150,000 demands and activities, 450,000 tasks) builds in
well under a minute, because rows go in with executemany, not the ORM unit of work.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.activities.models import Activity, Task
from pdms_core.cases.models import CaseParty, CasePlace, CaseRecord, CaseSequence
from pdms_core.cases.references import default_prefix, format_reference
from pdms_core.demands.models import Demand, DemandCause
from pdms_core.demo.bulk import insert_many
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.records import CORE

DEMANDS_PER_CASE = 3
ACTIVITIES_PER_CASE = 3
START = date(2022, 4, 1)


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
    people: Sequence[tuple[int, int]] = (),
    *,
    seed: int = 7,
    tasks_per_activity: int = 3,
) -> ProblemCounts:
    """Add ``cases`` core cases with their demands, activities and tasks.

    Each case is about one of ``places``; when ``people`` (person id, home place id)
    are given, each case instead has one of them as its subject, about their home.
    """
    rng = random.Random(seed)
    lists = await CoreLists.read(connection)
    first = await _claim_references(connection, cases)
    subjects = [rng.choice(people) for _ in range(cases)] if people else []
    case_ids = await insert_many(
        connection,
        CaseRecord,
        [
            {
                "reference": format_reference(default_prefix(CORE), first + n),
                "module": CORE,
                "status_id": rng.choice(lists.statuses),
                "summary": f"Demo case {first + n}",
                "opened_on": START + timedelta(days=rng.randrange(730)),
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
                for case, (person, _home) in zip(case_ids, subjects, strict=True)
            ],
        )
    homes = [home for _person, home in subjects] or [rng.choice(places) for _ in case_ids]
    await insert_many(
        connection,
        CasePlace,
        [{"case_id": case, "place_id": place} for case, place in zip(case_ids, homes, strict=True)],
    )
    demand_ids = await _add_demands(connection, case_ids, lists, rng)
    activity_ids = await insert_many(
        connection,
        Activity,
        [
            {
                "case_id": case_ids[n % cases],
                "occurred_at": datetime(2022, 4, 1, tzinfo=UTC) + timedelta(hours=n % 17_000),
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
    last = await connection.scalar(
        select(CaseSequence.last_number).where(CaseSequence.module == CORE)
    )
    if last is None:
        await insert_many(
            connection,
            CaseSequence,
            [{"module": CORE, "prefix": default_prefix(CORE), "last_number": count}],
        )
        return 1
    await connection.execute(
        update(CaseSequence)
        .where(CaseSequence.module == CORE)
        .values(last_number=CaseSequence.last_number + count)
    )
    return last + 1


async def _add_demands(
    connection: AsyncConnection, case_ids: list[int], lists: CoreLists, rng: random.Random
) -> list[int]:
    """Presenting demands first (one per case), then the others; the second lies behind
    the presenting one as its root cause."""
    cases = len(case_ids)
    rows = []
    for n in range(cases * DEMANDS_PER_CASE):
        received = START + timedelta(days=rng.randrange(730))
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
    ids = await insert_many(connection, Demand, rows, returning=True)
    await insert_many(
        connection,
        DemandCause,
        [{"presenting_id": ids[n], "underlying_id": ids[n + cases]} for n in range(cases)],
    )
    return ids
