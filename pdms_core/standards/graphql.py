"""Service standards: setting targets and finding breaches."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from sqlalchemy import or_, select
from strawberry.types import Info

from pdms_core.cases.lookups import DEMAND_TYPE, INTENTION_TYPE
from pdms_core.cases.types import READ
from pdms_core.cases.visibility import within_reach
from pdms_core.demands.models import Demand
from pdms_core.demands.types import DemandNode
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import known_modules
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.standards import services
from pdms_core.standards.models import ServiceStandard
from pdms_core.standards.types import ServiceStandardNode
from pdms_core.today import today

MANAGE = "core.standards.manage"


@strawberry.enum(description="What a service standard is for.")
class StandardKind(Enum):
    DEMAND_TYPE = strawberry.enum_value(DEMAND_TYPE, description="A demand type.")
    INTENTION_TYPE = strawberry.enum_value(INTENTION_TYPE, description="An intention type.")


ServiceStandardPayload = payload_type(
    "ServiceStandardPayload",
    "service_standard",
    ServiceStandardNode,
    description="Result of changing a service standard.",
    field_description="The standard as stored (null after removal).",
)


@strawberry.input(description="A target for a demand or intention type of a module.")
class SetServiceStandardInput:
    module: str = strawberry.field(default="core", description="The module.")
    kind: StandardKind = strawberry.field(description="Demand type or intention type.")
    code: str = strawberry.field(description="The type's code.")
    target_days: int = strawberry.field(description="Working days to the due date (1-365).")
    warning_days: int = strawberry.field(description="Working days to 'due soon' (0-target).")
    expected_version: int | None = strawberry.field(
        default=None, description="When changing an existing standard: the version you read."
    )


@strawberry.input(description="Which standard, at which version.")
class ServiceStandardVersionInput:
    id: strawberry.ID = strawberry.field(description="The standard's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.type
class ServiceStandardQuery:
    @query_field(description="Service standards, by module.", permission=READ)
    async def service_standards(
        self,
        info: Info,
        module: Annotated[str | None, described("Only this module's.")] = None,
    ) -> list[ServiceStandardNode]:
        statement = select(ServiceStandard).order_by(ServiceStandard.module, ServiceStandard.id)
        if module is not None:
            statement = statement.where(ServiceStandard.module == module)
        async with info.context.session() as session:
            return list(await session.scalars(statement))

    @query_field(
        description="Demands that breached their service standard: unresolved past the due "
        "date, or resolved late. Soonest due first.",
        permission=READ,
    )
    async def service_breaches(
        self,
        info: Info,
        module: Annotated[str | None, described("Only this module's.")] = None,
        as_of: Annotated[date | None, described("Judge as of; default today.")] = None,
        include_resolved: Annotated[
            bool, described("Include demands resolved late (default: open breaches only).")
        ] = False,
        first: First = None,
        after: After = None,
    ) -> Connection[DemandNode]:
        day = as_of or today()
        open_breach = Demand.resolved_on.is_(None) & (Demand.due_on < day)
        late = Demand.resolved_on.is_not(None) & (Demand.resolved_on > Demand.due_on)
        statement = select(Demand).where(
            Demand.due_on.is_not(None), or_(open_breach, late) if include_resolved else open_breach
        )
        if module is not None:
            statement = statement.where(Demand.module == module)
        statement = within_reach(statement, info.context.actor, Demand)
        async with info.context.session() as session:
            page = await keyset_page(
                session, statement, [Demand.due_on, Demand.id], first=first, after=after
            )
        return page.connection()


@strawberry.type
class ServiceStandardMutation:
    @mutation_field(description="Set or change a service standard.", permission=MANAGE)
    async def set_service_standard(
        self, info: Info, input: Annotated[SetServiceStandardInput, described("The standard.")]
    ) -> ServiceStandardPayload:
        standard, errors = await run_mutation(
            info,
            lambda s: services.set_standard(
                s,
                info.context.actor,
                module=input.module,
                known_modules=known_modules(info),
                list_name=input.kind.value,
                code=input.code,
                target_days=input.target_days,
                warning_days=input.warning_days,
                expected_version=input.expected_version,
            ),
        )
        return ServiceStandardPayload(service_standard=standard, errors=errors)

    @mutation_field(description="Remove a service standard.", permission=MANAGE)
    async def remove_service_standard(
        self, info: Info, input: Annotated[ServiceStandardVersionInput, described("Which one.")]
    ) -> ServiceStandardPayload:
        _, errors = await run_mutation(
            info,
            lambda s: services.remove_standard(
                s,
                info.context.actor,
                standard_id=decode_id(input.id, "ServiceStandard"),
                expected_version=input.expected_version,
            ),
        )
        return ServiceStandardPayload(service_standard=None, errors=errors)
