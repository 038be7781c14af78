"""Root fields for merging people, un-merging them, and reading past merges."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import or_, select
from strawberry.types import Info

from pdms_core.graphql.arguments import described
from pdms_core.graphql.errors import UserErrorType, run_mutation
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.merging.merge import PersonVersion, merge_people
from pdms_core.merging.models import PersonMerge, PersonMergeMember
from pdms_core.merging.references import person_references
from pdms_core.merging.types import (
    MERGE,
    MergeChangeProblem,
    PendingMergeChange,
    PersonMergeChangeType,
    PersonMergeNode,
)
from pdms_core.merging.unmerge import NeedsDecision, Pending, unmerge_people


@strawberry.input(description="A person and the version you reviewed.")
class PersonVersionRef:
    id: strawberry.ID = strawberry.field(description="The person's global ID.")
    expected_version: int = strawberry.field(
        description="The version you reviewed; someone else's change since is a CONFLICT."
    )


@strawberry.input(description="Who to merge into whom.")
class MergePeopleInput:
    survivor: PersonVersionRef = strawberry.field(description="The person who remains.")
    merged: list[PersonVersionRef] = strawberry.field(
        description="The duplicates: everything that names them moves to the survivor."
    )


@strawberry.input(description="What to do with a change an un-merge reported as pending.")
class UnmergeDecisionInput:
    change_id: strawberry.ID = strawberry.field(description="The pending change's ID.")
    restore: bool = strawberry.field(
        description="true: put the old value back over the newer one; false: keep it as it "
        "is now (with the survivor, or deleted)."
    )


@strawberry.input(description="Which merge to undo.")
class UnmergePeopleInput:
    id: strawberry.ID = strawberry.field(description="The merge's global ID.")
    expected_version: int = strawberry.field(description="The merge's version you read.")
    decisions: list[UnmergeDecisionInput] = strawberry.field(
        default_factory=list,
        description="A decision for each change a previous attempt reported as pending.",
    )


@strawberry.type(description="Result of merging people.")
class MergePeoplePayload:
    merge: PersonMergeNode | None = strawberry.field(
        description="The merge as stored (null when nothing changed)."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Result of un-merging people.")
class UnmergePeoplePayload:
    merge: PersonMergeNode | None = strawberry.field(
        description="The merge, now undone (null when nothing changed)."
    )
    pending: list[PendingMergeChange] = strawberry.field(
        description="Changes that need your decision before the un-merge can go ahead; "
        "nothing was changed. Send a decision for each and un-merge again."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing changed, if so.")


def _pending(item: Pending) -> PendingMergeChange:
    current = item.current_value
    return PendingMergeChange(
        change=PersonMergeChangeType(row=item.change),
        problem=MergeChangeProblem(item.reason),
        current_person_id=None if current is None else strawberry.ID(global_id("Person", current)),
    )


def _ref(given: PersonVersionRef, field: str) -> PersonVersion:
    return PersonVersion(decode_id(given.id, "Person", field=field), given.expected_version)


@strawberry.type
class MergeQuery:
    @query_field(
        description="The merges a person took part in, as survivor or merged, newest first.",
        permission=MERGE,
    )
    async def person_merges(
        self, info: Info, person_id: Annotated[strawberry.ID, described("The person.")]
    ) -> list[PersonMergeNode]:
        person = decode_id(person_id, "Person", field="personId")
        members = select(PersonMergeMember.merge_id).where(PersonMergeMember.person_id == person)
        async with info.context.session() as session:
            rows = await session.scalars(
                select(PersonMerge)
                .where(or_(PersonMerge.survivor_id == person, PersonMerge.id.in_(members)))
                .order_by(PersonMerge.id.desc())
                .limit(100)
            )
            return list(rows)


@strawberry.type
class MergeMutation:
    @mutation_field(
        description="Merge duplicate people into one survivor: every reference to them "
        "moves to it, and the merge keeps a snapshot for un-merging.",
        permission=MERGE,
    )
    async def merge_people(
        self, info: Info, input: Annotated[MergePeopleInput, described("Who into whom.")]
    ) -> MergePeoplePayload:
        async def action(session):  # type: ignore[no-untyped-def]
            survivor = _ref(input.survivor, "survivor.id")
            merged = [_ref(m, f"merged.{i}.id") for i, m in enumerate(input.merged)]
            return await merge_people(
                session,
                info.context.actor,
                survivor=survivor,
                merged=merged,
                references=person_references(info.context.host),
            )

        merge, errors = await run_mutation(info, action)
        return MergePeoplePayload(merge=merge, errors=errors)

    @mutation_field(
        description="Undo a merge: every reference goes back as it was. Any that changed "
        "since are reported as pending and nothing changes until each is decided.",
        permission=MERGE,
    )
    async def unmerge_people(
        self, info: Info, input: Annotated[UnmergePeopleInput, described("Which merge.")]
    ) -> UnmergePeoplePayload:
        pending: list[Pending] = []

        async def action(session):  # type: ignore[no-untyped-def]
            decisions = {}
            for decision in input.decisions:
                change = decode_id(decision.change_id, "PersonMergeChange", field="decisions")
                decisions[change] = decision.restore
            try:
                return await unmerge_people(
                    session,
                    info.context.actor,
                    merge_id=decode_id(input.id, "PersonMerge"),
                    expected_version=input.expected_version,
                    decisions=decisions,
                    references=person_references(info.context.host),
                )
            except NeedsDecision as exc:
                pending.extend(exc.pending)
                raise

        merge, errors = await run_mutation(info, action)
        return UnmergePeoplePayload(
            merge=merge, pending=[_pending(p) for p in pending], errors=errors
        )
