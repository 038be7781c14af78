"""Duplicate people in GraphQL: review items, the "not a duplicate" decision, and the
online check a front end calls before creating a person."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from pdms_core.errors import ValidationFailed
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import run_mutation
from pdms_core.graphql.node import decode_id, global_id, load_row
from pdms_core.graphql.pagination import Connection, search_connection
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field
from pdms_core.linkage import online, review
from pdms_core.linkage.features import PersonFacts
from pdms_core.linkage.models import OPEN
from pdms_core.people.models import Person

if TYPE_CHECKING:
    from pdms_core.people.types import PersonNode

REVIEW = "core.people.review_duplicates"
READ = "core.people.read"
MAX_CANDIDATES = 20
PersonRef = Annotated["PersonNode", strawberry.lazy("pdms_core.people.types")]


@strawberry.type(description="One step of a match score: what a comparison found and its weight.")
class MatchEvidence:
    comparison: str = strawberry.field(
        description="`prior`, `forename`, `surname`, `date_of_birth`, `address`, `contact` "
        "or `reference`."
    )
    description: str = strawberry.field(description="What was compared, for people.")
    level: str = strawberry.field(description="What the comparison found (empty for the prior).")
    weight: float = strawberry.field(
        description="Its match weight: log2 of how much likelier this is for one person "
        "than for two (negative: evidence of two people)."
    )


def _evidence(steps: list[dict[str, Any]]) -> list[MatchEvidence]:
    return [
        MatchEvidence(
            comparison=s["comparison"],
            description=s["description"],
            level=s["level"],
            weight=s["weight"],
        )
        for s in steps
    ]


@strawberry.type(description="Two people the duplicate model scored as one, for a reviewer.")
class DuplicateReview:
    @strawberry.field(description="Global ID, for decideNotDuplicate.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("DuplicateReview", self.id))

    @strawberry.field(description="The person with the lower id.")
    async def person(self, info: Info) -> PersonRef | None:
        return await load_row(info, Person, self.person_id)

    @strawberry.field(description="The other person.")
    async def other_person(self, info: Info) -> PersonRef | None:
        return await load_row(info, Person, self.other_person_id)

    status: str = strawberry.field(description="`open`, `not_duplicate` or `merged`.")
    match_weight: float = strawberry.field(description="The total match weight.")
    match_probability: float = strawberry.field(description="Probability they are one person.")
    found_at: datetime = strawberry.field(description="When the job first proposed the pair.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")
    decided_by: str | None = strawberry.field(description="Who decided it.")

    @strawberry.field(description="Why: the prior, then each comparison's contribution.")
    def explanation(self) -> list[MatchEvidence]:
        return _evidence(review.explanation_steps(self))


@strawberry.type(description="A person a new record may duplicate, with why.")
class DuplicateCandidate:
    person_id: strawberry.Private[int]
    match_weight: float = strawberry.field(description="The total match weight.")
    match_probability: float = strawberry.field(description="Probability they are one person.")
    explanation: list[MatchEvidence] = strawberry.field(
        description="The prior, then each comparison's contribution."
    )

    @strawberry.field(description="The existing person.")
    async def person(self, info: Info) -> PersonRef | None:
        return await load_row(info, Person, self.person_id)


def candidate_types(found: list[online.Candidate]) -> list[DuplicateCandidate]:
    return [
        DuplicateCandidate(
            person_id=c.person_id,
            match_weight=c.match_weight,
            match_probability=c.match_probability,
            explanation=_evidence(c.explanation),
        )
        for c in found
    ]


async def candidates_of_person(info: Info, person_id: int, first: int) -> list[DuplicateCandidate]:
    _check_first(first)
    async with info.context.session() as session:
        found = await online.candidates_for_person(session, person_id, first)
    return candidate_types(found)


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_CANDIDATES:
        raise ValidationFailed(f"Ask for 1 to {MAX_CANDIDATES}.", field="first")


DuplicateReviewPayload = payload_type(
    "DuplicateReviewPayload",
    "review",
    DuplicateReview,
    description="Result of deciding a proposed duplicate.",
)


@strawberry.input(description="What is known of a person about to be recorded.")
class DuplicateCandidateInput:
    forenames: str = strawberry.field(description="Given names.")
    surname: str = strawberry.field(description="Family name.")
    date_of_birth: date | None = strawberry.field(default=None, description="Date of birth.")
    postcode: str | None = strawberry.field(default=None, description="Postcode of the address.")
    contacts: list[str] = strawberry.field(
        default_factory=list, description="Phone numbers and email addresses."
    )


@strawberry.input(description="Which proposed duplicate.")
class DecideDuplicateInput:
    id: strawberry.ID = strawberry.field(description="The review item's global ID.")


@strawberry.type
class DuplicateQuery:
    @query_field(
        description="Pairs of people proposed as duplicates, most likely first.",
        permission=REVIEW,
    )
    async def duplicate_reviews(
        self,
        info: Info,
        status: Annotated[
            str, described("`open` (the default), `not_duplicate` or `merged`.")
        ] = OPEN,
        first: First = None,
        after: After = None,
    ) -> Connection[DuplicateReview]:
        return await search_connection(info, review.list_reviews, status, first=first, after=after)

    @query_field(
        description="People a record about to be created may duplicate, most likely first "
        "(empty until the duplicate model has been trained).",
        permission=READ,
    )
    async def duplicate_candidates(
        self,
        info: Info,
        input: Annotated[DuplicateCandidateInput, described("The new record's details.")],
        first: Annotated[int, described(f"At most this many (1 to {MAX_CANDIDATES}).")] = 5,
    ) -> list[DuplicateCandidate]:
        _check_first(first)
        facts = PersonFacts(
            forenames=input.forenames, surname=input.surname, date_of_birth=input.date_of_birth
        )
        async with info.context.session() as session:
            found = await online.duplicate_candidates(
                session, facts, postcode=input.postcode, contacts=input.contacts, first=first
            )
        return candidate_types(found)


@strawberry.type
class DuplicateMutation:
    @mutation_field(
        description='Decide a proposed pair are two people: "not a duplicate". The pair is '
        "never proposed again.",
        permission=REVIEW,
    )
    async def decide_not_duplicate(
        self, info: Info, input: Annotated[DecideDuplicateInput, described("Which pair.")]
    ) -> DuplicateReviewPayload:
        decided, errors = await run_mutation(
            info,
            lambda s: review.decide_not_duplicate(
                s, info.context.actor, decode_id(input.id, "DuplicateReview")
            ),
        )
        return DuplicateReviewPayload(review=decided, errors=errors)
