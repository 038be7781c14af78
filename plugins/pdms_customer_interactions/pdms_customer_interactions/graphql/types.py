"""Object types: contacts and the values of the module's lists."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from pdms_core.plugin import ModelNode, ModuleRecord, global_id
from strawberry import relay
from strawberry.types import Info

from pdms_customer_interactions.graphql.loaders import (
    CodesByIdLoader,
    OfficerNamesLoader,
    TeamNamesLoader,
)
from pdms_customer_interactions.models import Interaction
from pdms_customer_interactions.permissions import READ


@strawberry.enum(description="Who started the contact.")
class CustomerInteractionsDirection(Enum):
    INBOUND = strawberry.enum_value("inbound", description="The person contacted the council.")
    OUTBOUND = strawberry.enum_value("outbound", description="The council contacted the person.")


@strawberry.enum(description="Value demand, or failure demand caused by a failure of the system.")
class CustomerInteractionsNature(Enum):
    VALUE = strawberry.enum_value("value", description="What the council exists to do.")
    FAILURE = strawberry.enum_value(
        "failure", description="Caused by not doing something, or not doing it right."
    )


@strawberry.type(description="A value of a council-editable list (channel, outcome, type ...).")
class CustomerInteractionsCode:
    code: str = strawberry.field(description="Stable code of the value.")
    label: str = strawberry.field(description="Name shown to staff.")


async def code_of(info: Info, value_id: int | None) -> CustomerInteractionsCode | None:
    if value_id is None:
        return None
    row = await info.context.loaders.get(CodesByIdLoader).load(value_id)
    return None if row is None else CustomerInteractionsCode(code=row.code, label=row.label)


async def officer_name(info: Info, officer_id: int | None) -> str | None:
    if officer_id is None:
        return None
    return await info.context.loaders.get(OfficerNamesLoader).load(officer_id)


async def team_name(info: Info, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    return await info.context.loaders.get(TeamNamesLoader).load(team_id)


def _gid(type_name: str, row_id: int | None) -> strawberry.ID | None:
    return None if row_id is None else strawberry.ID(global_id(type_name, row_id))


@strawberry.type(description="One contact with the council: who, how, what was asked, the outcome.")
class CustomerInteractionsInteraction(ModelNode, ModuleRecord):
    model = Interaction
    read_permission = READ
    # It names the caller and holds their words: every read is audited, like a person's.
    personal_data = True

    id: relay.NodeID[int]
    direction: CustomerInteractionsDirection = strawberry.field(
        description="Who started the contact."
    )
    started_at: datetime = strawberry.field(description="When the contact started.")
    ended_at: datetime | None = strawberry.field(description="When it ended, if recorded.")
    caller_words: str = strawberry.field(description="What was asked, in the caller's words.")
    demand_module: str = strawberry.field(
        description="Module whose demand types the demand type is from (`core` for core's)."
    )
    nature: CustomerInteractionsNature = strawberry.field(description="Value or failure demand.")
    recorded_by: str = strawberry.field(description="Who recorded the contact.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="Global ID of the person; null for an anonymous contact.")
    def person_id(self) -> strawberry.ID | None:
        return _gid("Person", self.person_id)

    @strawberry.field(description="Global ID of the place it was about, if any.")
    def place_id(self) -> strawberry.ID | None:
        return _gid("Place", self.place_id)

    @strawberry.field(description="Global ID of the case it opened or joined, if any.")
    def case_id(self) -> strawberry.ID | None:
        return _gid("Case", self.case_id)

    @strawberry.field(description="Global ID of the demand it recorded on that case, if any.")
    def demand_id(self) -> strawberry.ID | None:
        return _gid("Demand", self.demand_id)

    @strawberry.field(description="How the contact was made.")
    async def channel(self, info: Info) -> CustomerInteractionsCode:
        return await code_of(info, self.channel_id)  # type: ignore[return-value]

    @strawberry.field(description="The demand type (from the module's or core's list).")
    async def demand_type(self, info: Info) -> CustomerInteractionsCode:
        return await code_of(info, self.demand_type_id)  # type: ignore[return-value]

    @strawberry.field(description="The demand category, if given.")
    async def demand_category(self, info: Info) -> CustomerInteractionsCode | None:
        return await code_of(info, self.demand_category_id)

    @strawberry.field(description="Why it was failure demand (failure demand only).")
    async def failure_reason(self, info: Info) -> CustomerInteractionsCode | None:
        return await code_of(info, self.failure_reason_id)

    @strawberry.field(description="What came of the contact.")
    async def outcome(self, info: Info) -> CustomerInteractionsCode:
        return await code_of(info, self.outcome_id)  # type: ignore[return-value]


@strawberry.type(description="How one rule fared in a routing decision.")
class CustomerInteractionsDecisionStep:
    rule: str = strawberry.field(description="The rule's code.")
    outcome: str = strawberry.field(
        description="matched, skipped (a condition failed), inactive, unroutable (matched but "
        "no target or fallback could take the work) or not_reached (an earlier rule decided)."
    )
    reason: str = strawberry.field(description="Why, in words.")


def _steps(raw: Any) -> list[CustomerInteractionsDecisionStep]:
    return [CustomerInteractionsDecisionStep(**step) for step in raw]


@strawberry.type(description="Where the assignment rules sent a piece of work, and why.")
class CustomerInteractionsRouting:
    rule_code: str | None = strawberry.field(description="The rule that decided; null: none did.")
    rule_book_version: int | None = strawberry.field(
        description="Version of the rule book that decided (null: there were no rules)."
    )
    team_id: strawberry.Private[int | None]
    officer_id: strawberry.Private[int | None]
    raw_steps: strawberry.Private[Any]
    #: (team name, officer name) when the decision read them already.
    names: strawberry.Private[tuple[str | None, str | None] | None] = None

    @strawberry.field(description="Every rule in order of precedence, and how it fared.")
    def steps(self) -> list[CustomerInteractionsDecisionStep]:
        return _steps(self.raw_steps)

    @strawberry.field(description="The steps as text, one rule a line.")
    def explanation(self) -> str:
        return "\n".join(f"{s['rule']}: {s['outcome']}: {s['reason']}" for s in self.raw_steps)

    @strawberry.field(description="Global ID of the chosen team.")
    def team(self) -> strawberry.ID | None:
        return _gid("Team", self.team_id)

    @strawberry.field(description="Name of the chosen team.")
    async def team_name(self, info: Info) -> str | None:
        if self.names is not None:
            return self.names[0]
        return await team_name(info, self.team_id)

    @strawberry.field(description="Global ID of the chosen officer.")
    def officer(self) -> strawberry.ID | None:
        return _gid("StaffUser", self.officer_id)

    @strawberry.field(description="Name of the chosen officer.")
    async def officer_name(self, info: Info) -> str | None:
        if self.names is not None:
            return self.names[1]
        return await officer_name(info, self.officer_id)


def routing_of_row(row: Any) -> CustomerInteractionsRouting:
    """From a stored decision."""
    return CustomerInteractionsRouting(
        rule_code=row.rule_code,
        rule_book_version=row.rule_book_number,
        team_id=row.team_id,
        officer_id=row.officer_id,
        raw_steps=row.steps,
    )


def routing_of(routed: Any) -> CustomerInteractionsRouting:
    """From a fresh engine decision (``assignment.Routed``)."""
    d = routed.decision
    return CustomerInteractionsRouting(
        rule_code=d.rule_code,
        rule_book_version=routed.book_number,
        team_id=d.team_id,
        officer_id=d.officer_id,
        raw_steps=[step.to_json() for step in d.steps],
        names=(routed.team_name, routed.officer_name),
    )
