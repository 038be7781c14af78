"""Input types of the module's mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from pdms_customer_interactions.graphql.types import (
    CustomerInteractionsDirection,
    CustomerInteractionsNature,
)


@strawberry.input(description="Open a case from the contact, with its demand, and assign it.")
class CustomerInteractionsOpenCaseInput:
    module: str = strawberry.field(
        default="core", description="The case's module (`core` for a generic case)."
    )
    summary: str = strawberry.field(default="", description="What the case is about.")
    assign: bool = strawberry.field(
        default=True,
        description="Route the case by the assignment rules (ignored for whatever `teamId` or "
        "`officerId` give).",
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Give the case to this team instead of the rules' choice."
    )
    officer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Give the case to this officer instead of the rules' choice."
    )


@strawberry.input(description="A contact as the call handler records it.")
class CustomerInteractionsRecordInput:
    channel_code: str = strawberry.field(
        description="Code of the customer_interactions.channel list."
    )
    demand_type_code: str = strawberry.field(
        description="Demand type code, from `demandModule`'s list (or core's)."
    )
    nature: CustomerInteractionsNature = strawberry.field(description="Value or failure demand.")
    outcome_code: str = strawberry.field(
        description="Code of the customer_interactions.outcome list."
    )
    direction: CustomerInteractionsDirection = strawberry.field(
        default=CustomerInteractionsDirection.INBOUND, description="Who started the contact."
    )
    started_at: datetime | None = strawberry.field(
        default=None, description="When the contact started; default now."
    )
    ended_at: datetime | None = strawberry.field(default=None, description="When it ended.")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person; leave out for an anonymous contact."
    )
    place_id: strawberry.ID | None = strawberry.field(
        default=None, description="The place it is about, if any."
    )
    caller_words: str = strawberry.field(
        default="", description="What was asked, in the caller's words (at most 2000 characters)."
    )
    demand_module: str = strawberry.field(
        default="core", description="Module whose demand types `demandTypeCode` is from."
    )
    demand_category_code: str | None = strawberry.field(
        default=None, description="Demand category code, under the demand type."
    )
    failure_reason_code: str | None = strawberry.field(
        default=None,
        description="Code of the customer_interactions.failure_reason list; failure demand only.",
    )
    case_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An existing case the contact joins: its demand is added to that case.",
    )
    open_case: CustomerInteractionsOpenCaseInput | None = strawberry.field(
        default=None, description="Open a case from the contact with its demand."
    )
