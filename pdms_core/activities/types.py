"""GraphQL types for activities and tasks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.activities.models import Activity
from pdms_core.auth.models import StaffUser
from pdms_core.auth.staff_view import StaffMember
from pdms_core.cases.loaders import PeopleByActivityLoader, TasksByActivityLoader
from pdms_core.cases.models import CaseRecord
from pdms_core.db.loaders import RowsByIdLoader
from pdms_core.demands.models import Demand
from pdms_core.documents.types import documents_field
from pdms_core.graphql.node import ModelNode, lookup_value, row_of
from pdms_core.graphql.prefetch import prefetchable, settled
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.people.models import Person
from pdms_core.people.types import PersonNode

if TYPE_CHECKING:
    from pdms_core.cases.types import CaseNode
    from pdms_core.demands.types import DemandNode

READ = "core.cases.read"


@strawberry.type(name="Task", description="One task within an activity, with the time it took.")
class TaskType:
    minutes: int = strawberry.field(description="Minutes spent.")
    note: str = strawberry.field(description="Notes on the task.")

    @strawberry.field(description="Task category (configurable per module).")
    @prefetchable(once=True)
    def category(self, info: Info) -> LookupValueNode:
        return lookup_value(info, self.category_id)

    @strawberry.field(description="The task within the category, when given.")
    @prefetchable(once=True)
    def task(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.task_type_id)

    @strawberry.field(description="The person the task was for or with.")
    @prefetchable
    def person(self, info: Info) -> PersonNode | None:
        return row_of(info, Person, self.person_id)


@strawberry.type(name="Activity", description="Work done on a case: when, by whom, with whom.")
class ActivityNode(ModelNode):
    model = Activity
    read_permission = READ

    id: relay.NodeID[int]
    occurred_at: datetime = strawberry.field(description="When the work happened.")
    notes: str = strawberry.field(description="Notes on the activity.")

    @strawberry.field(description="The officer who did it.")
    @prefetchable
    def officer(self, info: Info) -> StaffMember | None:
        return row_of(info, StaffUser, self.officer_id)

    @strawberry.field(description="The tasks it was made of.")
    @prefetchable
    def tasks(self, info: Info) -> list[TaskType]:
        return settled(info.context.loaders.get(TasksByActivityLoader).load(self.id))

    @strawberry.field(description="Total minutes of its tasks.")
    async def total_minutes(self, info: Info) -> int:
        tasks = await info.context.loaders.get(TasksByActivityLoader).load(self.id)
        return sum(task.minutes for task in tasks)

    @strawberry.field(description="The people it was with or about.")
    async def people(self, info: Info) -> list[PersonNode]:
        links = await info.context.loaders.get(PeopleByActivityLoader).load(self.id)
        people = info.context.loaders.get(RowsByIdLoader, model=Person)
        return await people.load_many([link.person_id for link in links])

    @strawberry.field(description="The demand it worked on, when given.")
    @prefetchable
    def demand(
        self, info: Info
    ) -> Annotated[DemandNode, strawberry.lazy("pdms_core.demands.types")] | None:
        return row_of(info, Demand, self.demand_id)

    @strawberry.field(description="The case.")
    @prefetchable
    def case(self, info: Info) -> Annotated[CaseNode, strawberry.lazy("pdms_core.cases.types")]:
        return row_of(info, CaseRecord, self.case_id)

    documents = documents_field("Activity", "activity")
