"""GraphQL types of a merge and the changes it made."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.db.loaders import ChildrenLoader
from pdms_core.graphql.node import ModelNode, global_id, load_row
from pdms_core.merging.models import PersonMerge, PersonMergeChange, PersonMergeMember
from pdms_core.people.models import Person
from pdms_core.people.types import PersonNode

MERGE = "core.people.merge"


class MembersByMergeLoader(ChildrenLoader):
    model, key = PersonMergeMember, "merge_id"


class ChangesByMergeLoader(ChildrenLoader):
    model, key = PersonMergeChange, "merge_id"


@strawberry.enum(description="What a merge did to a reference.")
class MergeChangeAction(Enum):
    MOVED = strawberry.enum_value("moved", description="The column now names the survivor.")
    DROPPED = strawberry.enum_value(
        "dropped",
        description="The row would have named the survivor twice, or repeated a row the "
        "survivor already had, so it was deleted (and is kept in the snapshot).",
    )


@strawberry.enum(description="Why an un-merge cannot undo a change on its own.")
class MergeChangeProblem(Enum):
    ROW_GONE = strawberry.enum_value("row_gone", description="The row was deleted since the merge.")
    CHANGED_SINCE = strawberry.enum_value(
        "changed_since", description="The column was changed since the merge."
    )
    PLACE_TAKEN = strawberry.enum_value(
        "place_taken",
        description="A dropped row cannot come back: its id or its unique values are "
        "taken by a row made since.",
    )


def _person_gid(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(global_id("Person", value))


@strawberry.type(name="PersonMergeChange", description="One reference a merge changed.")
class PersonMergeChangeType:
    #: The stored change, or a copy of it (see unmerge.ChangeView).
    row: strawberry.Private[Any]

    @strawberry.field(description="Pass as `changeId` in an un-merge decision.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("PersonMergeChange", self.row.id))

    @strawberry.field(description="Moved to the survivor, or dropped.")
    def action(self) -> MergeChangeAction:
        return MergeChangeAction(self.row.action)

    @strawberry.field(description="The table of the row, e.g. `contact_detail`.")
    def table(self) -> str:
        return self.row.table_name

    @strawberry.field(description="The row's id in that table.")
    def row_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.row_id))

    @strawberry.field(description="The column moved (null for a dropped row).")
    def column(self) -> str | None:
        return self.row.column_name

    @strawberry.field(description="The merged person it named before (moved changes).")
    def old_person_id(self) -> strawberry.ID | None:
        return _person_gid(self.row.old_value)

    @strawberry.field(description="The survivor it names since (moved changes).")
    def new_person_id(self) -> strawberry.ID | None:
        return _person_gid(self.row.new_value)


@strawberry.type(
    name="PendingMergeChange",
    description="A change an un-merge cannot undo on its own: decide it and un-merge again.",
)
class PendingMergeChange:
    change: PersonMergeChangeType = strawberry.field(description="The change.")
    problem: MergeChangeProblem = strawberry.field(description="Why it needs a decision.")
    current_person_id: strawberry.ID | None = strawberry.field(
        description="The person the column names now, when it was changed since."
    )


@strawberry.type(
    name="PersonMerge",
    description="People merged into one survivor by a reviewer, with everything the merge "
    "moved; undone when `undoneAt` is set.",
)
class PersonMergeNode(ModelNode):
    model = PersonMerge
    read_permission = MERGE

    id: relay.NodeID[int]
    merged_at: datetime = strawberry.field(description="When the merge was made.")
    undone_at: datetime | None = strawberry.field(description="When it was un-merged.")
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` to un-merge."
    )

    @strawberry.field(description="The person who remained.")
    async def survivor(self, info: Info) -> PersonNode:
        return await load_row(info, Person, self.survivor_id)

    @strawberry.field(description="The people merged into the survivor.")
    async def merged_people(self, info: Info) -> list[PersonNode]:
        members = await info.context.loaders.get(MembersByMergeLoader).load(self.id)
        return [await load_row(info, Person, m.person_id) for m in members]

    @strawberry.field(description="Every reference the merge changed, in order.")
    async def changes(self, info: Info) -> list[PersonMergeChangeType]:
        rows = await info.context.loaders.get(ChangesByMergeLoader).load(self.id)
        return [PersonMergeChangeType(row=row) for row in rows]


__all__ = ["MERGE", "PendingMergeChange", "PersonMergeChangeType", "PersonMergeNode"]
