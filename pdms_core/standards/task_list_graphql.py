"""Standard task lists through GraphQL: read them, set them, remove them."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_core.auth.models import Team
from pdms_core.auth.staff_view import TeamSummary
from pdms_core.cases.types import READ
from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import known_modules
from pdms_core.graphql.node import decode_id, global_id, load_row, lookup_value
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.standards import task_lists
from pdms_core.standards.models import TaskList, TaskListItem

MANAGE = "core.standards.manage"


@strawberry.type(description="One follow-up of a standard task list.")
class TaskListEntry:
    offset_days: int = strawberry.field(
        description="Due this many working days after the demand arrived."
    )
    description: str = strawberry.field(description="What to do, as the intention will say.")
    intention_type_id: strawberry.Private[int]
    team_id: strawberry.Private[int | None]

    @strawberry.field(description="The intention type created.")
    def intention_type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.intention_type_id)  # type: ignore[return-value]

    @strawberry.field(description="Who does it; null: the case's officer, else its team.")
    async def team(self, info: Info) -> TeamSummary | None:
        return await load_row(info, Team, self.team_id)


@strawberry.type(
    description="The follow-ups a presenting demand of one type (or category) brings: "
    "each becomes an open intention when such a demand is recorded."
)
class StandardTaskList:
    id: strawberry.ID = strawberry.field(description="The list's ID.")
    module: str = strawberry.field(description="The module whose demand type it is.")
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )
    items: list[TaskListEntry] = strawberry.field(description="The follow-ups, in order.")
    demand_type_id: strawberry.Private[int]
    demand_category_id: strawberry.Private[int | None]

    @strawberry.field(description="The demand type.")
    def demand_type(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.demand_type_id)  # type: ignore[return-value]

    @strawberry.field(description="The demand category; null: every category of the type.")
    def demand_category(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.demand_category_id)


def _entry(item: TaskListItem) -> TaskListEntry:
    return TaskListEntry(
        offset_days=item.offset_days,
        description=item.description,
        intention_type_id=item.intention_type_id,
        team_id=item.team_id,
    )


def _view(task_list: TaskList, items: list[TaskListItem]) -> StandardTaskList:
    return StandardTaskList(
        id=strawberry.ID(global_id("TaskList", task_list.id)),
        module=task_list.module,
        version=task_list.version,
        items=[_entry(item) for item in items],
        demand_type_id=task_list.demand_type_id,
        demand_category_id=task_list.demand_category_id,
    )


async def _views(session: AsyncSession, lists: list[TaskList]) -> list[StandardTaskList]:
    items: dict[int, list[TaskListItem]] = defaultdict(list)
    if lists:
        rows = await session.scalars(
            select(TaskListItem)
            .where(TaskListItem.task_list_id.in_([t.id for t in lists]))
            .order_by(TaskListItem.task_list_id, TaskListItem.position)
        )
        for item in rows:
            items[item.task_list_id].append(item)
    return [_view(t, items[t.id]) for t in lists]


@strawberry.input(description="One follow-up of a task list.")
class TaskListItemInput:
    intention_type_code: str = strawberry.field(description="An intention_type code.")
    offset_days: int = strawberry.field(
        description="Working days after the demand arrived (0-365)."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who does it; default: the case's officer, else its team."
    )
    description: str = strawberry.field(default="", description="What to do.")


@strawberry.input(description="A demand type's (or category's) standard task list.")
class SetTaskListInput:
    module: str = strawberry.field(default="core", description="The module.")
    demand_type_code: str = strawberry.field(description="The demand type.")
    demand_category_code: str | None = strawberry.field(
        default=None, description="A category of the type: its own list wins over the type's."
    )
    items: list[TaskListItemInput] = strawberry.field(description="The follow-ups, in order.")
    expected_version: int | None = strawberry.field(
        default=None, description="When replacing an existing list: the version you read."
    )


@strawberry.input(description="Which task list, at which version.")
class TaskListVersionInput:
    id: strawberry.ID = strawberry.field(description="The list's ID.")
    expected_version: int = strawberry.field(description="The version you read.")


TaskListPayload = payload_type(
    "TaskListPayload",
    "task_list",
    StandardTaskList,
    description="Result of changing a standard task list.",
    field_description="The list as stored (null after removal).",
)


@strawberry.type
class TaskListQuery:
    @query_field(description="Standard task lists, by module.", permission=READ)
    async def task_lists(
        self,
        info: Info,
        module: Annotated[str | None, described("Only this module's.")] = None,
    ) -> list[StandardTaskList]:
        statement = select(TaskList).order_by(TaskList.module, TaskList.id)
        if module is not None:
            statement = statement.where(TaskList.module == module)
        async with info.context.session() as session:
            return await _views(session, list(await session.scalars(statement)))


@strawberry.type
class TaskListMutation:
    @mutation_field(
        description="Set a demand type's (or category's) standard task list, replacing "
        "its items; intentions already created stay as they are.",
        permission=MANAGE,
    )
    async def set_task_list(
        self, info: Info, input: Annotated[SetTaskListInput, described("The list.")]
    ) -> TaskListPayload:
        async def action(session: AsyncSession) -> StandardTaskList:
            items = [
                task_lists.ItemFields(
                    intention_type_code=item.intention_type_code,
                    offset_days=item.offset_days,
                    team_id=(
                        decode_id(item.team_id, "Team", field=f"items.{n}.teamId")
                        if item.team_id is not None
                        else None
                    ),
                    description=item.description,
                )
                for n, item in enumerate(input.items)
            ]
            saved = await task_lists.set_task_list(
                session,
                info.context.actor,
                module=input.module,
                known_modules=known_modules(info),
                demand_type_code=input.demand_type_code,
                demand_category_code=input.demand_category_code,
                items=items,
                expected_version=input.expected_version,
            )
            return _view(saved, await task_lists.list_items(session, saved.id))

        view, errors = await run_mutation(info, action)
        return TaskListPayload(task_list=view, errors=errors)

    @mutation_field(description="Remove a standard task list.", permission=MANAGE)
    async def remove_task_list(
        self, info: Info, input: Annotated[TaskListVersionInput, described("Which one.")]
    ) -> TaskListPayload:
        _, errors = await run_mutation(
            info,
            lambda s: task_lists.remove_task_list(
                s,
                info.context.actor,
                task_list_id=decode_id(input.id, "TaskList"),
                expected_version=input.expected_version,
            ),
        )
        return TaskListPayload(task_list=None, errors=errors)
