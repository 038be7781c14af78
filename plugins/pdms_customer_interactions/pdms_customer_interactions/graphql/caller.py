"""The call handler's one query: what the council already has on the caller, and where
a new case would go."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from pdms_core.plugin import (
    CaseNode,
    PersonNode,
    PlaceNode,
    core_tables,
    decode_id,
    described,
    load_row,
    query_field,
)
from sqlalchemy import bindparam, false, select, union
from strawberry.types import Info

from pdms_customer_interactions import assignment, services
from pdms_customer_interactions.graphql.types import (
    CustomerInteractionsInteraction,
    CustomerInteractionsRouting,
    routing_of,
)
from pdms_customer_interactions.permissions import READ
from pdms_customer_interactions.statements import cached

CASES_READ = "core.cases.read"
CASE_PARTY = core_tables.case_party
CASE_PLACE = core_tables.case_place
MAX_CONTACTS = 50


@strawberry.type(
    description="What the council holds on a caller (a person and/or a place) for a call "
    "handler, in one query. Module records of every enabled module are on "
    "`person.moduleRecords` and `place.moduleRecords`."
)
class CustomerInteractionsCallerView:
    person_id: strawberry.Private[int | None]
    place_id: strawberry.Private[int | None]
    cases: strawberry.Private[list[Any]]
    contacts: strawberry.Private[list[Any]]
    routed: strawberry.Private[Any]

    @strawberry.field(description="The person (null when not asked for).")
    async def person(self, info: Info) -> PersonNode | None:
        return await load_row(info, PersonNode.model, self.person_id)

    @strawberry.field(description="The place (null when not asked for).")
    async def place(self, info: Info) -> PlaceNode | None:
        return await load_row(info, PlaceNode.model, self.place_id)

    @strawberry.field(
        description="Open cases of the person or at the place, newest first (with their "
        "demands, team and officer through the Case type); empty without core.cases.read."
    )
    def open_cases(self) -> list[CaseNode]:
        return self.cases

    @strawberry.field(description="The latest contacts of the person or about the place.")
    def last_contacts(self) -> list[CustomerInteractionsInteraction]:
        return self.contacts

    @strawberry.field(
        description="Where the assignment rules would send a new case of the demand type "
        "asked about (null when no demand type was given)."
    )
    def suggestion(self) -> CustomerInteractionsRouting | None:
        return None if self.routed is None else routing_of(self.routed)


async def _open_cases(
    session: Any, actor: Any, person_id: int | None, place_id: int | None
) -> tuple[list[Any], list[int] | None]:
    """Open cases of the person or at the place the actor may see, newest first; and the
    teams owning the person's open cases (whoever may see them), for the rules' facts.
    Both from one statement; (``[]``, None) without ``core.cases.read``."""
    if not actor.has(CASES_READ):
        return [], None
    given = {
        key: value
        for key, value in (("person_id", person_id), ("place_id", place_id))
        if value is not None
    }
    if not given:
        return [], []
    statement = cached(("open_cases", *given), lambda: _open_cases_statement(given))
    rows = (await session.execute(statement, given)).all()
    teams = actor.teams_for(CASES_READ)  # a team-scoped reader sees only their teams' cases
    seen = [row[0] for row in rows if teams is None or row[0].team_id in teams]
    person_teams = [row[0].team_id for row in rows if row.of_person and row[0].team_id is not None]
    return seen, person_teams


def _open_cases_statement(given: Any) -> Any:
    case = CaseNode.model
    reach = []
    of_person: Any = false()
    if "person_id" in given:
        parties = select(CASE_PARTY.c.case_id).where(
            CASE_PARTY.c.person_id == bindparam("person_id")
        )
        reach.append(parties)
        of_person = case.id.in_(parties)
    if "place_id" in given:
        reach.append(
            select(CASE_PLACE.c.case_id).where(CASE_PLACE.c.place_id == bindparam("place_id"))
        )
    # One list of ids (a UNION), not "in these OR in those": PostgreSQL cannot use an
    # index for an OR of two subqueries and scanned every case at a county (~25 ms).
    ids = union(*reach) if len(reach) > 1 else reach[0]
    return (
        select(case, of_person.label("of_person"))
        .where(case.closed_on.is_(None), case.id.in_(ids))
        .order_by(case.opened_on.desc(), case.id.desc())
    )


@strawberry.type
class CustomerInteractionsCallerQuery:
    @query_field(
        description="The call handler's view of a caller: open cases with demands and owners, "
        "module records, last contacts and the assignment suggestion, in one round trip.",
        permission=READ,
    )
    async def customer_interactions_caller(
        self,
        info: Info,
        person_id: Annotated[strawberry.ID | None, described("The caller.")] = None,
        place_id: Annotated[strawberry.ID | None, described("The place asked about.")] = None,
        demand_type_code: Annotated[
            str | None, described("The demand type, for the assignment suggestion.")
        ] = None,
        demand_category_code: Annotated[str | None, described("Its category, if known.")] = None,
        channel_code: Annotated[str | None, described("The contact channel.")] = None,
        last: Annotated[int, described("How many recent contacts: 0 to 50.")] = 5,
    ) -> CustomerInteractionsCallerView:
        from datetime import UTC, datetime

        person = decode_id(person_id, "Person", field="personId") if person_id else None
        place = decode_id(place_id, "Place", field="placeId") if place_id else None
        last = max(0, min(last, MAX_CONTACTS))
        actor = info.context.actor
        async with info.context.session() as session:
            cases, person_teams = await _open_cases(session, actor, person, place)
            contacts = (
                await services.last_interactions(
                    session, person_id=person, place_id=place, limit=last
                )
                if last
                else []
            )
            routed = None
            if demand_type_code:
                facts, book = await assignment.gather_facts(
                    session,
                    person_id=person,
                    place_id=place,
                    demand_type=demand_type_code,
                    demand_category=demand_category_code,
                    channel=channel_code,
                    at=datetime.now(UTC),
                    known_case_teams=person_teams,
                )
                routed = await assignment.route(session, facts, book)
        return CustomerInteractionsCallerView(
            person_id=person, place_id=place, cases=cases, contacts=contacts, routed=routed
        )
