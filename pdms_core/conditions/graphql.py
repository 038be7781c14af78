"""System conditions: raising, linking and resolving them; listing them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from pdms_core.cases.visibility import within_reach
from pdms_core.conditions import services
from pdms_core.conditions.models import SystemCondition, SystemConditionEffect
from pdms_core.conditions.services import Effect
from pdms_core.conditions.types import READ, SystemConditionNode
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import known_modules, optional_id
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field

WRITE = "core.conditions.write"


SystemConditionPayload = payload_type(
    "SystemConditionPayload",
    "system_condition",
    SystemConditionNode,
    description="Result of changing a system condition.",
    field_description="The condition as stored.",
)


@strawberry.input(description="A new system condition.")
class RaiseSystemConditionInput:
    module: str = strawberry.field(default="core", description="The module it is raised in.")
    type_code: str = strawberry.field(description="A system_condition_type code of the module.")
    description: str = strawberry.field(default="", description="What is getting in the way.")
    raised_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input(description="Which condition, at which version.")
class SystemConditionVersionInput:
    id: strawberry.ID = strawberry.field(description="The condition's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.input(description="What a condition held up.")
class LinkSystemConditionInput:
    id: strawberry.ID = strawberry.field(description="The condition's global ID.")
    expected_version: int = strawberry.field(description="The condition's version you read.")
    case_id: strawberry.ID = strawberry.field(description="The case held up.")
    demand_id: strawberry.ID | None = strawberry.field(
        default=None, description="A demand of the case it held up."
    )
    activity_id: strawberry.ID | None = strawberry.field(
        default=None, description="An activity of the case it held up."
    )
    minutes_lost: int = strawberry.field(default=0, description="Officer minutes lost.")


@strawberry.input(description="Which link, and the condition's version.")
class SystemConditionEffectInput:
    id: strawberry.ID = strawberry.field(
        description="The link's (SystemConditionEffect) global ID."
    )
    expected_version: int = strawberry.field(description="The condition's version you read.")


@strawberry.input(description="Every criterion given must hold.")
class SystemConditionFilter:
    module: str | None = strawberry.field(default=None, description="The module.")
    resolved: bool | None = strawberry.field(
        default=None, description="true: resolved only; false: unresolved only."
    )
    case_id: strawberry.ID | None = strawberry.field(default=None, description="Held up this case.")


async def _payload(info: Info, action: object) -> SystemConditionPayload:
    condition, errors = await run_mutation(info, action)
    return SystemConditionPayload(system_condition=condition, errors=errors)


@strawberry.type
class SystemConditionQuery:
    @query_field(description="System conditions, newest first.", permission=READ)
    async def system_conditions(
        self,
        info: Info,
        filter: Annotated[SystemConditionFilter | None, described("Which conditions.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[SystemConditionNode]:
        given = filter or SystemConditionFilter()
        statement = select(SystemCondition)
        if given.module is not None:
            statement = statement.where(SystemCondition.module == given.module)
        if given.resolved is True:
            statement = statement.where(SystemCondition.resolved_on.is_not(None))
        elif given.resolved is False:
            statement = statement.where(SystemCondition.resolved_on.is_(None))
        if given.case_id is not None:
            case = decode_id(given.case_id, "Case", field="caseId")
            effects = select(SystemConditionEffect.condition_id).where(
                SystemConditionEffect.case_id == case
            )
            # another team's case is unknown to a team-scoped reader: no conditions
            reachable = within_reach(effects, info.context.actor, SystemConditionEffect)
            statement = statement.where(SystemCondition.id.in_(reachable))
        async with info.context.session() as session:
            page = await keyset_page(
                session, statement, [-SystemCondition.id], first=first, after=after
            )
        return page.connection()


@strawberry.type
class SystemConditionMutation:
    @mutation_field(description="Record a system condition.", permission=WRITE)
    async def raise_system_condition(
        self, info: Info, input: Annotated[RaiseSystemConditionInput, described("The condition.")]
    ) -> SystemConditionPayload:
        return await _payload(
            info,
            lambda s: services.raise_condition(
                s,
                info.context.actor,
                module=input.module,
                known_modules=known_modules(info),
                type_code=input.type_code,
                description=input.description,
                raised_on=input.raised_on,
            ),
        )

    @mutation_field(
        description="Change the description, or resolve (a date) / reopen (null) a condition.",
        permission=WRITE,
    )
    async def update_system_condition(
        self,
        info: Info,
        condition: Annotated[SystemConditionVersionInput, described("Which condition.")],
        description: Annotated[str | None, described("New description.")] = None,
        resolved_on: Annotated[
            date | None, described("Resolved on; null reopens; omit to leave.")
        ] = strawberry.UNSET,
    ) -> SystemConditionPayload:
        return await _payload(
            info,
            lambda s: services.update_condition(
                s,
                info.context.actor,
                condition_id=decode_id(condition.id, "SystemCondition"),
                expected_version=condition.expected_version,
                description=description,
                resolved_on=... if resolved_on is strawberry.UNSET else resolved_on,
            ),
        )

    @mutation_field(
        description="Record that a condition held up a case (and a demand or activity of it).",
        permission=WRITE,
    )
    async def link_system_condition(
        self, info: Info, input: Annotated[LinkSystemConditionInput, described("The link.")]
    ) -> SystemConditionPayload:
        return await _payload(
            info,
            lambda s: services.link_condition(
                s,
                info.context.actor,
                condition_id=decode_id(input.id, "SystemCondition"),
                expected_version=input.expected_version,
                effect=Effect(
                    case_id=decode_id(input.case_id, "Case", field="caseId"),
                    demand_id=optional_id(input.demand_id, "Demand", "demandId"),
                    activity_id=optional_id(input.activity_id, "Activity", "activityId"),
                    minutes_lost=input.minutes_lost,
                ),
            ),
        )

    @mutation_field(description="Remove what a condition was linked to.", permission=WRITE)
    async def unlink_system_condition(
        self, info: Info, input: Annotated[SystemConditionEffectInput, described("Which link.")]
    ) -> SystemConditionPayload:
        return await _payload(
            info,
            lambda s: services.unlink_condition(
                s,
                info.context.actor,
                effect_id=decode_id(input.id, "SystemConditionEffect"),
                expected_version=input.expected_version,
            ),
        )
