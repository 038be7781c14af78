"""Demands: recording them on a case and linking presenting demands to root causes.

Every mutation takes the case's ``expectedVersion`` (demands are part of the case).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from pdms_core.demands import services
from pdms_core.demands.services import DemandFields
from pdms_core.demands.types import DemandNature, DemandNode
from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import optional_id, partial_fields
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field

WRITE = "core.cases.write"
U = strawberry.UNSET


DemandPayload = payload_type(
    "DemandPayload",
    "demand",
    DemandNode,
    description="Result of changing a demand.",
    field_description="The demand as stored (its `case` has the new version).",
)


@strawberry.input(description="A demand's details. On update, omitted fields stay as they are.")
class DemandInput:
    type_code: str | None = strawberry.field(
        default=U, description="A demand_type code of the case's module."
    )
    category_code: str | None = strawberry.field(
        default=U, description="A demand_category code under the type."
    )
    nature: DemandNature | None = strawberry.field(default=U, description="Value or failure.")
    is_presenting: bool | None = strawberry.field(
        default=U, description="Presenting (default) or underlying."
    )
    channel_code: str | None = strawberry.field(default=U, description="A channel code.")
    strategic_objective_code: str | None = strawberry.field(
        default=U, description="A strategic_objective code."
    )
    description: str | None = strawberry.field(default=U, description="In the person's words.")
    what_matters: str | None = strawberry.field(
        default=U, description="What matters to the person."
    )
    received_on: date | None = strawberry.field(default=U, description="Default: today.")

    def fields(self) -> DemandFields:
        return partial_fields(self, DemandFields)


@strawberry.input(description="A new demand on a case.")
class AddDemandInput:
    case_id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    demand: DemandInput = strawberry.field(description="The demand; type and nature required.")
    presenting_demand_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Record it as a root cause (underlying demand) behind this presenting demand.",
    )


@strawberry.input(description="Which demand, and the case's version.")
class DemandVersionInput:
    id: strawberry.ID = strawberry.field(description="The demand's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")


@strawberry.input(description="A presenting demand and one of its root causes.")
class DemandCauseInput:
    presenting_demand_id: strawberry.ID = strawberry.field(description="The presenting demand.")
    underlying_demand_id: strawberry.ID = strawberry.field(description="The underlying demand.")
    expected_version: int = strawberry.field(description="The case's version you read.")


def _demand_id(value: strawberry.ID, field: str = "id") -> int:
    return decode_id(value, "Demand", field=field)


async def _payload(info: Info, action: object) -> DemandPayload:
    demand, errors = await run_mutation(info, action)
    return DemandPayload(demand=demand, errors=errors)


@strawberry.type
class DemandMutation:
    @mutation_field(description="Record a demand on a case.", permission=WRITE)
    async def add_demand(
        self, info: Info, input: Annotated[AddDemandInput, described("The demand.")]
    ) -> DemandPayload:
        return await _payload(
            info,
            lambda s: services.add_demand(
                s,
                info.context.actor,
                case_id=decode_id(input.case_id, "Case", field="caseId"),
                expected_version=input.expected_version,
                fields=input.demand.fields(),
                presenting_demand_id=optional_id(
                    input.presenting_demand_id, "Demand", "presentingDemandId"
                ),
            ),
        )

    @mutation_field(description="Correct a demand's details.", permission=WRITE)
    async def update_demand(
        self,
        info: Info,
        demand: Annotated[DemandVersionInput, described("Which demand.")],
        input: Annotated[DemandInput, described("What to change.")],
    ) -> DemandPayload:
        return await _payload(
            info,
            lambda s: services.update_demand(
                s,
                info.context.actor,
                demand_id=_demand_id(demand.id),
                expected_version=demand.expected_version,
                fields=input.fields(),
            ),
        )

    @mutation_field(
        description="Mark a demand resolved, or reopen it (resolvedOn null).", permission=WRITE
    )
    async def resolve_demand(
        self,
        info: Info,
        demand: Annotated[DemandVersionInput, described("Which demand.")],
        resolved_on: Annotated[date | None, described("When; null reopens.")],
    ) -> DemandPayload:
        return await _payload(
            info,
            lambda s: services.resolve_demand(
                s,
                info.context.actor,
                demand_id=_demand_id(demand.id),
                expected_version=demand.expected_version,
                resolved_on=resolved_on,
            ),
        )

    @mutation_field(
        description="Record an underlying demand as a root cause of a presenting demand.",
        permission=WRITE,
    )
    async def link_underlying_demand(
        self, info: Info, input: Annotated[DemandCauseInput, described("The link.")]
    ) -> DemandPayload:
        return await _payload(
            info,
            lambda s: services.link_underlying(
                s,
                info.context.actor,
                presenting_id=_demand_id(input.presenting_demand_id, "presentingDemandId"),
                underlying_id=_demand_id(input.underlying_demand_id, "underlyingDemandId"),
                expected_version=input.expected_version,
            ),
        )

    @mutation_field(description="Remove a root-cause link.", permission=WRITE)
    async def unlink_underlying_demand(
        self, info: Info, input: Annotated[DemandCauseInput, described("The link.")]
    ) -> DemandPayload:
        return await _payload(
            info,
            lambda s: services.unlink_underlying(
                s,
                info.context.actor,
                presenting_id=_demand_id(input.presenting_demand_id, "presentingDemandId"),
                underlying_id=_demand_id(input.underlying_demand_id, "underlyingDemandId"),
                expected_version=input.expected_version,
            ),
        )
