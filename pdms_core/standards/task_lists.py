"""Standard task lists: setting them, and applying one when a presenting demand arrives.

Housing practice gives each kind of case a standard set of follow-ups (visit within 5
days, letter within 10, review at 20). Here a module's demand type (or one of its
categories) holds that list, and a presenting demand of that kind, when recorded, gets
one open intention per item, due the item's working days after the demand arrived.
An item is done by its own team if it names one, else by the case's officer, else by
the case's team; an item nobody can be given (a case with neither) is not created.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from pdms_core.auth.actor import Actor
from pdms_core.cases.lookups import DEMAND_CATEGORY, DEMAND_TYPE, INTENTION_TYPE
from pdms_core.cases.models import CaseRecord
from pdms_core.cases.module_lists import check_module, module_value
from pdms_core.cases.services import check_team
from pdms_core.db.unit_of_work import expect_version
from pdms_core.demands.models import Demand
from pdms_core.errors import NotFound, ValidationFailed
from pdms_core.intentions.models import OPEN, Intention
from pdms_core.standards.models import TaskList, TaskListItem
from pdms_core.standards.working_days import add_working_days

MAX_ITEMS = 30
MAX_OFFSET = 365
MAX_TEXT = 2000


@dataclass(frozen=True)
class ItemFields:
    intention_type_code: str
    offset_days: int
    team_id: int | None = None
    description: str = ""


async def _find(
    session: AsyncSession, module: str, type_id: int, category_id: int | None
) -> TaskList | None:
    category = (
        TaskList.demand_category_id.is_(None)
        if category_id is None
        else TaskList.demand_category_id == category_id
    )
    return await session.scalar(
        select(TaskList).where(
            TaskList.module == module, TaskList.demand_type_id == type_id, category
        )
    )


async def _items(
    session: AsyncSession, module: str, given: Sequence[ItemFields]
) -> list[TaskListItem]:
    if not given:
        raise ValidationFailed("Give at least one item; remove the list instead.", field="items")
    if len(given) > MAX_ITEMS:
        raise ValidationFailed(f"At most {MAX_ITEMS} items.", field="items")
    items = []
    for n, item in enumerate(given):
        where = f"items.{n}"
        if not 0 <= item.offset_days <= MAX_OFFSET:
            raise ValidationFailed(
                f"Due 0-{MAX_OFFSET} working days after the demand.", field=f"{where}.offsetDays"
            )
        description = item.description.strip()
        if len(description) > MAX_TEXT:
            raise ValidationFailed(f"At most {MAX_TEXT} characters.", field=f"{where}.description")
        kind = await module_value(
            session,
            module,
            INTENTION_TYPE,
            item.intention_type_code,
            field=f"{where}.intentionTypeCode",
        )
        if item.team_id is not None:
            await check_team(session, item.team_id, module, field=f"{where}.teamId")
        items.append(
            TaskListItem(
                position=n,
                intention_type_id=kind.id,
                offset_days=item.offset_days,
                team_id=item.team_id,
                description=description,
            )
        )
    return items


async def set_task_list(
    session: AsyncSession,
    actor: Actor,
    *,
    module: str,
    known_modules: Collection[str],
    demand_type_code: str,
    demand_category_code: str | None,
    items: Sequence[ItemFields],
    expected_version: int | None = None,
) -> TaskList:
    """Set (or replace the items of) the task list of a demand type or category.

    Replacing an existing list takes its ``expected_version``; intentions already
    created from it stay as they are.
    """
    check_module(module, known_modules)
    kind = await module_value(
        session, module, DEMAND_TYPE, demand_type_code, field="demandTypeCode"
    )
    category_id = None
    if demand_category_code is not None:
        category_id = (
            await module_value(
                session,
                module,
                DEMAND_CATEGORY,
                demand_category_code,
                field="demandCategoryCode",
                parent=kind,
            )
        ).id
    new_items = await _items(session, module, items)
    task_list = await _find(session, module, kind.id, category_id)
    if task_list is None:
        task_list = TaskList(module=module, demand_type_id=kind.id, demand_category_id=category_id)
        session.add(task_list)
    else:
        expect_version(task_list, expected_version)
        await session.execute(delete(TaskListItem).where(TaskListItem.task_list_id == task_list.id))
        # The items are part of the list: replacing them claims the list's version, so
        # two administrators replacing the same list at once conflict.
        flag_modified(task_list, "module")
    await session.flush()
    for item in new_items:
        item.task_list_id = task_list.id
    session.add_all(new_items)
    await session.flush()
    return task_list


async def remove_task_list(
    session: AsyncSession, actor: Actor, *, task_list_id: int, expected_version: int
) -> TaskList:
    task_list = await session.get(TaskList, task_list_id)
    if task_list is None:
        raise NotFound("There is no such task list.", field="id")
    expect_version(task_list, expected_version)
    await session.execute(delete(TaskListItem).where(TaskListItem.task_list_id == task_list.id))
    await session.delete(task_list)
    await session.flush()
    return task_list


async def list_items(session: AsyncSession, task_list_id: int) -> list[TaskListItem]:
    return list(
        await session.scalars(
            select(TaskListItem)
            .where(TaskListItem.task_list_id == task_list_id)
            .order_by(TaskListItem.position)
        )
    )


async def _applicable_items(
    session: AsyncSession, module: str, type_id: int, category_id: int | None
) -> list[TaskListItem]:
    """The items of the list that applies, in one statement: the category's own list
    when it has one, else the type's."""
    own_list_first = TaskList.demand_category_id.is_(None)
    rows = await session.execute(
        select(TaskListItem, TaskList.demand_category_id)
        .join(TaskList, TaskList.id == TaskListItem.task_list_id)
        .where(
            TaskList.module == module,
            TaskList.demand_type_id == type_id,
            or_(TaskList.demand_category_id.is_(None), TaskList.demand_category_id == category_id),
        )
        .order_by(own_list_first, TaskListItem.position)
    )
    chosen = [(item, list_category) for item, list_category in rows]
    return [item for item, list_category in chosen if list_category == chosen[0][1]]


async def apply_task_list(session: AsyncSession, case: CaseRecord, demand: Demand) -> int:
    """Create the intentions of the demand's task list; returns how many were created."""
    if not demand.is_presenting:
        return 0
    items = await _applicable_items(session, case.module, demand.type_id, demand.category_id)
    created = 0
    for item in items:
        officer_id = None if item.team_id is not None else case.officer_id
        team_id = item.team_id or case.team_id
        if officer_id is None and team_id is None:
            continue
        session.add(
            Intention(
                case_id=case.id,
                demand_id=demand.id,
                type_id=item.intention_type_id,
                description=item.description,
                due_on=add_working_days(demand.received_on, item.offset_days),
                officer_id=officer_id,
                team_id=team_id,
                status=OPEN,
            )
        )
        created += 1
    await session.flush()
    return created
