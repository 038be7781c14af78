"""Intentions: follow-up actions, and the overdue / due-soon lists."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from pdms_core.cases.types import READ
from pdms_core.cases.visibility import within_reach
from pdms_core.errors import ValidationFailed
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import optional_id, partial_fields
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.intentions import services
from pdms_core.intentions.models import CANCELLED, DONE, Intention
from pdms_core.intentions.queries import DUE_SOON, OVERDUE, IntentionFilter, intentions_statement
from pdms_core.intentions.services import IntentionFields
from pdms_core.intentions.types import IntentionNode, IntentionStatus
from pdms_core.today import today

WRITE = "core.cases.write"
U = strawberry.UNSET


@strawberry.enum(description="Which deadline window.")
class IntentionDue(Enum):
    OVERDUE = strawberry.enum_value(OVERDUE, description="Open and past the due date.")
    DUE_SOON = strawberry.enum_value(
        DUE_SOON, description="Open and due today or within `dueSoonDays` working days."
    )


IntentionPayload = payload_type(
    "IntentionPayload",
    "intention",
    IntentionNode,
    description="Result of changing an intention.",
)


@strawberry.input(description="An intention's details. On update, omitted fields stay as they are.")
class IntentionInput:
    description: str | None = strawberry.field(default=U, description="What is to be done.")
    due_on: date | None = strawberry.field(
        default=U, description="Due date; on adding, default from the type's service standard."
    )
    officer_id: strawberry.ID | None = strawberry.field(default=U, description="Assigned officer.")
    team_id: strawberry.ID | None = strawberry.field(default=U, description="Assigned team.")

    def fields(self) -> IntentionFields:
        return partial_fields(self, IntentionFields, {"officer_id": "StaffUser", "team_id": "Team"})


@strawberry.input(
    description="A new intention on an open case, or on a person or a place when no case "
    "is called for: give exactly one of caseId, personId and placeId."
)
class AddIntentionInput:
    case_id: strawberry.ID | None = strawberry.field(
        default=None, description="The case's global ID."
    )
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person's global ID (no case)."
    )
    place_id: strawberry.ID | None = strawberry.field(
        default=None, description="The place's global ID (no case)."
    )
    type_code: str = strawberry.field(
        description="An intention_type code of the case's module (core's without a case)."
    )
    intention: IntentionInput = strawberry.field(
        description="Details; an officer or a team is required."
    )
    demand_id: strawberry.ID | None = strawberry.field(
        default=None, description="The demand it follows up."
    )


@strawberry.input(description="Which intention, at which version.")
class IntentionVersionInput:
    id: strawberry.ID = strawberry.field(description="The intention's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")


@strawberry.input(description="Every criterion given must hold.")
class IntentionFilterInput:
    due: IntentionDue | None = strawberry.field(default=None, description="Deadline window.")
    status: IntentionStatus | None = strawberry.field(
        default=IntentionStatus.OPEN, description="State; default open, null for any."
    )
    officer_id: strawberry.ID | None = strawberry.field(default=None, description="Assignee.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Assigned team.")
    case_id: strawberry.ID | None = strawberry.field(default=None, description="The case.")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person it is on (not those on their cases)."
    )
    place_id: strawberry.ID | None = strawberry.field(
        default=None, description="The place it is on (not those on its cases)."
    )
    module: str | None = strawberry.field(
        default=None, description="The case's module; `core` includes intentions without a case."
    )
    as_of: date | None = strawberry.field(default=None, description="Judge as of; default today.")
    due_soon_days: int = strawberry.field(
        default=2, description="Working days ahead that count as due soon (0-20)."
    )


async def _payload(info: Info, action: object) -> IntentionPayload:
    intention, errors = await run_mutation(info, action)
    return IntentionPayload(intention=intention, errors=errors)


def _criteria(given: IntentionFilterInput) -> IntentionFilter:
    if not 0 <= given.due_soon_days <= 20:
        raise ValidationFailed("dueSoonDays is 0-20.", field="dueSoonDays")
    return IntentionFilter(
        due=given.due.value if given.due else None,
        status=given.status.value if given.status else None,
        officer_id=optional_id(given.officer_id, "StaffUser", "officerId"),
        team_id=optional_id(given.team_id, "Team", "teamId"),
        case_id=optional_id(given.case_id, "Case", "caseId"),
        person_id=optional_id(given.person_id, "Person", "personId"),
        place_id=optional_id(given.place_id, "Place", "placeId"),
        module=given.module,
        due_soon_days=given.due_soon_days,
    )


@strawberry.type
class IntentionQuery:
    @query_field(
        description="Intentions, soonest due first: e.g. a team's overdue list.", permission=READ
    )
    async def intentions(
        self,
        info: Info,
        filter: Annotated[IntentionFilterInput | None, described("Which intentions.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[IntentionNode]:
        given = filter or IntentionFilterInput()
        statement = within_reach(
            intentions_statement(_criteria(given), given.as_of or today()),
            info.context.actor,
            Intention,
        )
        async with info.context.session() as session:
            page = await keyset_page(
                session, statement, [Intention.due_on, Intention.id], first=first, after=after
            )
        return page.connection()


@strawberry.type
class IntentionMutation:
    @mutation_field(
        description="Add a follow-up action to an open case, a person or a place.",
        permission=WRITE,
    )
    async def add_intention(
        self, info: Info, input: Annotated[AddIntentionInput, described("The intention.")]
    ) -> IntentionPayload:
        return await _payload(
            info,
            lambda s: services.add_intention(
                s,
                info.context.actor,
                case_id=optional_id(input.case_id, "Case", "caseId"),
                person_id=optional_id(input.person_id, "Person", "personId"),
                place_id=optional_id(input.place_id, "Place", "placeId"),
                type_code=input.type_code,
                fields=input.intention.fields(),
                demand_id=optional_id(input.demand_id, "Demand", "demandId"),
            ),
        )

    @mutation_field(description="Change an open intention.", permission=WRITE)
    async def update_intention(
        self,
        info: Info,
        intention: Annotated[IntentionVersionInput, described("Which intention.")],
        input: Annotated[IntentionInput, described("What to change.")],
    ) -> IntentionPayload:
        return await _payload(
            info,
            lambda s: services.update_intention(
                s,
                info.context.actor,
                intention_id=decode_id(intention.id, "Intention"),
                expected_version=intention.expected_version,
                fields=input.fields(),
            ),
        )

    @mutation_field(description="Mark an intention done.", permission=WRITE)
    async def complete_intention(
        self,
        info: Info,
        intention: Annotated[IntentionVersionInput, described("Which intention.")],
        on_date: Annotated[date | None, described("When; default today.")] = None,
        note: Annotated[str, described("What was done.")] = "",
    ) -> IntentionPayload:
        return await _finish(info, intention, DONE, on_date, note)

    @mutation_field(description="Cancel an intention that is no longer needed.", permission=WRITE)
    async def cancel_intention(
        self,
        info: Info,
        intention: Annotated[IntentionVersionInput, described("Which intention.")],
        note: Annotated[str, described("Why.")] = "",
    ) -> IntentionPayload:
        return await _finish(info, intention, CANCELLED, None, note)


async def _finish(
    info: Info, intention: IntentionVersionInput, status: str, on_date: date | None, note: str
) -> IntentionPayload:
    return await _payload(
        info,
        lambda s: services.finish_intention(
            s,
            info.context.actor,
            intention_id=decode_id(intention.id, "Intention"),
            expected_version=intention.expected_version,
            status=status,
            on_date=on_date,
            note=note,
        ),
    )
