"""Recording the work done on a case: an activity made of timed tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.activities.models import Activity, ActivityPerson, Task
from pdms_core.auth.actor import Actor
from pdms_core.cases.lookups import TASK, TASK_CATEGORY
from pdms_core.cases.module_lists import module_value
from pdms_core.cases.services import check_officer, claim_case
from pdms_core.conditions.models import SystemConditionEffect
from pdms_core.demands.models import Demand
from pdms_core.errors import NotAllowed, NotFound, ValidationFailed
from pdms_core.people.models import Person

MAX_TASKS = 50
MAX_MINUTES = 24 * 60
MAX_NOTES = 4000


@dataclass(frozen=True)
class NewTask:
    category_code: str
    task_code: str | None = None
    minutes: int = 0
    person_id: int | None = None
    note: str = ""


async def _check_people(session: AsyncSession, ids: set[int], field: str) -> None:
    if not ids:
        return
    found = set(await session.scalars(select(Person.id).where(Person.id.in_(ids))))
    if found != ids:
        raise ValidationFailed("There is no such person.", field=field)


async def _task(session: AsyncSession, module: str, task: NewTask, index: int) -> Task:
    field = f"tasks.{index}"
    category = await module_value(
        session, module, TASK_CATEGORY, task.category_code, field=f"{field}.categoryCode"
    )
    task_type = None
    if task.task_code is not None:
        task_type = await module_value(
            session, module, TASK, task.task_code, field=f"{field}.taskCode", parent=category
        )
    if not 0 <= task.minutes <= MAX_MINUTES:
        raise ValidationFailed(f"Minutes are 0-{MAX_MINUTES}.", field=f"{field}.minutes")
    if len(task.note) > MAX_NOTES:
        raise ValidationFailed(f"At most {MAX_NOTES} characters.", field=f"{field}.note")
    return Task(
        category_id=category.id,
        task_type_id=task_type.id if task_type else None,
        minutes=task.minutes,
        person_id=task.person_id,
        note=task.note.strip(),
    )


async def record_activity(
    session: AsyncSession,
    actor: Actor,
    *,
    case_id: int,
    expected_version: int,
    tasks: Sequence[NewTask],
    occurred_at: datetime | None = None,
    officer_id: int | None = None,
    demand_id: int | None = None,
    person_ids: Sequence[int] = (),
    notes: str = "",
) -> Activity:
    """Record an activity of one or more tasks on a case (the case's version is claimed)."""
    case = await claim_case(session, actor, case_id, expected_version)
    if not 1 <= len(tasks) <= MAX_TASKS:
        raise ValidationFailed(f"An activity has 1-{MAX_TASKS} tasks.", field="tasks")
    occurred_at = occurred_at or datetime.now(UTC)
    if occurred_at.tzinfo is None:
        raise ValidationFailed("Give the time with its time zone.", field="occurredAt")
    if occurred_at > datetime.now(UTC):
        raise ValidationFailed("An activity cannot be in the future.", field="occurredAt")
    if len(notes) > MAX_NOTES:
        raise ValidationFailed(f"At most {MAX_NOTES} characters.", field="notes")
    await check_officer(session, officer_id)
    if demand_id is not None:
        demand = await session.get(Demand, demand_id)
        if demand is None or demand.case_id != case.id:
            raise ValidationFailed("That demand is not on this case.", field="demandId")
    await _check_people(session, set(person_ids), "personIds")
    await _check_people(session, {t.person_id for t in tasks if t.person_id}, "tasks")
    rows = [await _task(session, case.module, task, i) for i, task in enumerate(tasks)]
    activity = Activity(
        case_id=case.id,
        demand_id=demand_id,
        occurred_at=occurred_at,
        officer_id=officer_id,
        notes=notes.strip(),
    )
    session.add(activity)
    await session.flush()
    for row in rows:
        row.activity_id = activity.id
    session.add_all(rows)
    session.add_all(
        ActivityPerson(activity_id=activity.id, person_id=p) for p in dict.fromkeys(person_ids)
    )
    await session.flush()
    return activity


async def remove_activity(
    session: AsyncSession, actor: Actor, *, activity_id: int, expected_version: int
) -> Activity:
    """Remove an activity recorded in error, with its tasks; its documents are
    deleted with it (softly: they are purged after the grace period)."""
    from pdms_core.documents.services import documents_removed_with

    activity = await session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("There is no such activity.", field="id")
    await claim_case(session, actor, activity.case_id, expected_version, field="id")
    linked = await session.scalar(
        select(SystemConditionEffect.id).where(SystemConditionEffect.activity_id == activity_id)
    )
    if linked is not None:
        raise NotAllowed(
            "A system condition is linked to the activity; unlink it first.", field="id"
        )
    await documents_removed_with(session, "Activity", activity_id, actor)
    await session.execute(delete(Task).where(Task.activity_id == activity_id))
    await session.execute(delete(ActivityPerson).where(ActivityPerson.activity_id == activity_id))
    await session.delete(activity)
    await session.flush()
    return activity
