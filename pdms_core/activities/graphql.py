"""Activities: recording the work done on a case."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_core.activities import services
from pdms_core.activities.services import NewTask
from pdms_core.activities.types import ActivityNode
from pdms_core.cases.graphql import CasePayload, case_payload
from pdms_core.cases.models import CaseRecord
from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.ids import optional_id
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field

WRITE = "core.cases.write"


ActivityPayload = payload_type(
    "ActivityPayload",
    "activity",
    ActivityNode,
    description="Result of recording an activity.",
    field_description="The activity as stored (its `case` has the new version).",
)


@strawberry.input(description="One task of an activity.")
class TaskInput:
    category_code: str = strawberry.field(description="A task_category code of the case's module.")
    task_code: str | None = strawberry.field(
        default=None, description="A task code under the category."
    )
    minutes: int = strawberry.field(default=0, description="Minutes spent (0-1440).")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person it was for."
    )
    note: str = strawberry.field(default="", description="Notes.")


@strawberry.input(description="A new activity on a case.")
class RecordActivityInput:
    case_id: strawberry.ID = strawberry.field(description="The case's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")
    tasks: list[TaskInput] = strawberry.field(description="The tasks done (1-50).")
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When, with time zone; default: now."
    )
    officer_id: strawberry.ID | None = strawberry.field(default=None, description="Who did it.")
    demand_id: strawberry.ID | None = strawberry.field(
        default=None, description="The demand it worked on."
    )
    person_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The people it was with or about."
    )
    notes: str = strawberry.field(default="", description="Notes.")


@strawberry.input(description="Which activity, and the case's version.")
class ActivityVersionInput:
    id: strawberry.ID = strawberry.field(description="The activity's global ID.")
    expected_version: int = strawberry.field(description="The case's version you read.")


@strawberry.type
class ActivityMutation:
    @mutation_field(description="Record work done on a case, as timed tasks.", permission=WRITE)
    async def record_activity(
        self, info: Info, input: Annotated[RecordActivityInput, described("The activity.")]
    ) -> ActivityPayload:
        def action(session: AsyncSession) -> object:
            tasks = [
                NewTask(
                    category_code=t.category_code,
                    task_code=t.task_code,
                    minutes=t.minutes,
                    person_id=optional_id(t.person_id, "Person", "tasks"),
                    note=t.note,
                )
                for t in input.tasks
            ]
            return services.record_activity(
                session,
                info.context.actor,
                case_id=decode_id(input.case_id, "Case", field="caseId"),
                expected_version=input.expected_version,
                tasks=tasks,
                occurred_at=input.occurred_at,
                officer_id=optional_id(input.officer_id, "StaffUser", "officerId"),
                demand_id=optional_id(input.demand_id, "Demand", "demandId"),
                person_ids=[decode_id(p, "Person", field="personIds") for p in input.person_ids],
                notes=input.notes,
            )

        activity, errors = await run_mutation(info, action)
        return ActivityPayload(activity=activity, errors=errors)

    @mutation_field(description="Remove an activity recorded in error.", permission=WRITE)
    async def remove_activity(
        self, info: Info, input: Annotated[ActivityVersionInput, described("Which activity.")]
    ) -> CasePayload:
        async def action(session: AsyncSession) -> CaseRecord:
            activity = await services.remove_activity(
                session,
                info.context.actor,
                activity_id=decode_id(input.id, "Activity"),
                expected_version=input.expected_version,
            )
            return await session.get(CaseRecord, activity.case_id)

        return await case_payload(info, action)
