"""Root mutations: record a contact (and open or join its case)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from pdms_core.plugin import (
    CaseNode,
    UserErrorType,
    decode_id,
    described,
    mutation_field,
    run_mutation,
)
from strawberry.types import Info

from pdms_customer_interactions import flow, services
from pdms_customer_interactions.graphql.inputs import CustomerInteractionsRecordInput
from pdms_customer_interactions.graphql.rules import CustomerInteractionsRulesMutation
from pdms_customer_interactions.graphql.types import (
    CustomerInteractionsInteraction,
    CustomerInteractionsRouting,
    routing_of_row,
)
from pdms_customer_interactions.permissions import RECORD


def _optional(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, field=field)


def new_interaction(given: CustomerInteractionsRecordInput) -> services.NewInteraction:
    return services.NewInteraction(
        channel_code=given.channel_code,
        demand_type_code=given.demand_type_code,
        nature=given.nature.value,
        outcome_code=given.outcome_code,
        started_at=given.started_at or datetime.now(UTC),
        direction=given.direction.value,
        ended_at=given.ended_at,
        person_id=_optional(given.person_id, "Person", "personId"),
        place_id=_optional(given.place_id, "Place", "placeId"),
        caller_words=given.caller_words,
        demand_module=given.demand_module,
        demand_category_code=given.demand_category_code,
        failure_reason_code=given.failure_reason_code,
        case_id=_optional(given.case_id, "Case", "caseId"),
    )


def case_request(given: CustomerInteractionsRecordInput) -> flow.CaseRequest | None:
    wanted = given.open_case
    if wanted is None:
        return None
    return flow.CaseRequest(
        module=wanted.module,
        summary=wanted.summary,
        assign=wanted.assign,
        team_id=_optional(wanted.team_id, "Team", "openCase.teamId"),
        officer_id=_optional(wanted.officer_id, "StaffUser", "openCase.officerId"),
    )


@strawberry.type(description="Result of customerInteractionsRecord.")
class CustomerInteractionsRecordPayload:
    interaction: CustomerInteractionsInteraction | None = strawberry.field(
        description="The contact as stored; null when nothing was stored."
    )
    case: CaseNode | None = strawberry.field(
        description="The case the contact opened (null: none opened)."
    )
    routing: CustomerInteractionsRouting | None = strawberry.field(
        description="How the rules routed the opened case (null: not routed by the rules)."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was stored.")


@strawberry.type
class CustomerInteractionsRecordMutation:
    @mutation_field(
        description="Record a contact; if asked, open a case with its demand and route it by "
        "the assignment rules, or add its demand to an existing case. Opening or joining a "
        "case needs core.cases.write too.",
        permission=RECORD,
    )
    async def customer_interactions_record(
        self,
        info: Info,
        input: Annotated[CustomerInteractionsRecordInput, described("The contact.")],
    ) -> CustomerInteractionsRecordPayload:
        done: dict[str, Any] = {}

        async def action(session):  # type: ignore[no-untyped-def]
            recorded = await flow.record(
                session,
                info.context.actor,
                new_interaction(input),
                known_modules={plugin.name for plugin in info.context.host.plugins},
                open_request=case_request(input),
            )
            done["recorded"] = recorded
            return recorded.interaction

        interaction, errors = await run_mutation(info, action)
        if errors:
            return CustomerInteractionsRecordPayload(
                interaction=None, case=None, routing=None, errors=errors
            )
        recorded = done["recorded"]
        decision = recorded.decision
        return CustomerInteractionsRecordPayload(
            interaction=interaction,
            case=recorded.case,
            routing=routing_of_row(decision) if decision is not None else None,
            errors=[],
        )


@strawberry.type(description="Result of customerInteractionsRouteCase.")
class CustomerInteractionsRouteCasePayload:
    case: CaseNode | None = strawberry.field(
        description="The case with the team and officer the rules chose (null on errors)."
    )
    routing: CustomerInteractionsRouting | None = strawberry.field(
        description="How the rules routed it, as stored with the case."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was changed.")


@strawberry.type
class CustomerInteractionsRouteCaseMutation:
    @mutation_field(
        description="Route an open case opened elsewhere (core's openCase, another module) by "
        "the assignment rules: its facts come from its first party and place and its "
        "presenting demand. Assigns the chosen team and officer and stores the decision with "
        "the case. Needs core.cases.write too; a case no rule routes is left as it was.",
        permission=RECORD,
    )
    async def customer_interactions_route_case(
        self,
        info: Info,
        case_id: Annotated[strawberry.ID, described("The open case.")],
        expected_version: Annotated[int, described("The case's version as last read.")],
    ) -> CustomerInteractionsRouteCasePayload:
        from pdms_customer_interactions.case_routing import route_case

        done: dict[str, Any] = {}

        async def action(session):  # type: ignore[no-untyped-def]
            case, decision = await route_case(
                session,
                info.context.actor,
                case_id=decode_id(case_id, "Case", field="caseId"),
                expected_version=expected_version,
            )
            done["decision"] = decision
            return case

        case, errors = await run_mutation(info, action)
        if errors:
            return CustomerInteractionsRouteCasePayload(case=None, routing=None, errors=errors)
        return CustomerInteractionsRouteCasePayload(
            case=case, routing=routing_of_row(done["decision"]), errors=[]
        )


@strawberry.type
class CustomerInteractionsMutation(
    CustomerInteractionsRecordMutation,
    CustomerInteractionsRouteCaseMutation,
    CustomerInteractionsRulesMutation,
):
    """Every root mutation of the module."""
