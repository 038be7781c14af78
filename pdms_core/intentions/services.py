"""Follow-up actions: add, change, complete or cancel an intention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.cases.lookups import INTENTION_TYPE
from pdms_core.cases.module_lists import module_value
from pdms_core.cases.services import check_officer, check_past, check_team, get_case
from pdms_core.cases.visibility import WRITE, check_case_reach
from pdms_core.db.unit_of_work import expect_version
from pdms_core.demands.models import Demand
from pdms_core.errors import NotAllowed, NotFound, PermissionDenied, ValidationFailed
from pdms_core.intentions.models import CANCELLED, DONE, OPEN, Intention
from pdms_core.partial import UNSET, PartialFields
from pdms_core.people.models import Person
from pdms_core.places.models import Place
from pdms_core.records import CORE
from pdms_core.standards.services import due_dates
from pdms_core.today import today

MAX_TEXT = 2000


@dataclass
class IntentionFields(PartialFields):
    """An intention's details; on update, ``UNSET`` fields stay as they are."""

    description: object = UNSET
    due_on: object = UNSET
    officer_id: object = UNSET
    team_id: object = UNSET


async def get_intention(session: AsyncSession, actor: Actor, intention_id: int) -> Intention:
    """The intention, or NOT_FOUND (also when it is out of the actor's reach)."""
    intention = await session.get(Intention, intention_id, populate_existing=True)
    if intention is None:
        raise NotFound("There is no such intention.", field="id")
    if intention.case_id is not None:
        await check_case_reach(session, actor, intention.case_id, field="id")
    else:
        teams = actor.teams_for(WRITE)
        if teams is not None and intention.team_id not in teams:
            raise NotFound("There is no such intention.", field="id")
    return intention


async def _module_of(session: AsyncSession, actor: Actor, intention: Intention) -> str:
    """The module whose lists and teams apply: the case's, or core's without a case."""
    if intention.case_id is None:
        return CORE
    return (await get_case(session, actor, intention.case_id)).module


async def _apply(session: AsyncSession, module: str, intention: Intention, given: dict) -> None:
    if "description" in given:
        text = str(given["description"] or "").strip()
        if len(text) > MAX_TEXT:
            raise ValidationFailed(f"At most {MAX_TEXT} characters.", field="description")
        intention.description = text
    if "officer_id" in given:
        await check_officer(session, given["officer_id"])
        intention.officer_id = given["officer_id"]
    if "team_id" in given:
        await check_team(session, given["team_id"], module)
        intention.team_id = given["team_id"]
    if intention.officer_id is None and intention.team_id is None:
        raise ValidationFailed("Assign the intention to an officer or a team.", field="officerId")
    if "due_on" in given:
        if given["due_on"] is None:
            raise ValidationFailed("Give a due date.", field="dueOn")
        intention.due_on = given["due_on"]


async def add_intention(
    session: AsyncSession,
    actor: Actor,
    *,
    case_id: int | None = None,
    person_id: int | None = None,
    place_id: int | None = None,
    type_code: str,
    fields: IntentionFields,
    demand_id: int | None = None,
) -> Intention:
    """Add a follow-up to an open case, or to a person or a place (exactly one of them);
    without a due date, the intention type's service standard gives one (from today)."""
    holders = [h for h in (case_id, person_id, place_id) if h is not None]
    if len(holders) != 1:
        raise ValidationFailed("Give exactly one of a case, a person or a place.", field="caseId")
    module = CORE
    if case_id is not None:
        case = await get_case(session, actor, case_id, field="caseId")
        if case.closed_on is not None:
            raise NotAllowed("The case is closed.", field="caseId")
        module = case.module
    else:
        await _check_holder(session, actor, person_id, place_id)
    kind = await module_value(session, module, INTENTION_TYPE, type_code, field="typeCode")
    if demand_id is not None:
        demand = await session.get(Demand, demand_id)
        if demand is None or case_id is None or demand.case_id != case_id:
            raise ValidationFailed("That demand is not on this case.", field="demandId")
    given = {"description": "", **fields.given()}
    if given.get("due_on") is None:
        given["due_on"], _ = await due_dates(session, module, kind.id, today())
        if given["due_on"] is None:
            raise ValidationFailed(
                "Give a due date: the intention type has no service standard.", field="dueOn"
            )
    intention = Intention(
        case_id=case_id,
        person_id=person_id,
        place_id=place_id,
        demand_id=demand_id,
        type_id=kind.id,
        status=OPEN,
    )
    await _apply(session, module, intention, given)
    if case_id is None:
        check_team_reach(actor, intention.team_id)
    session.add(intention)
    await session.flush()
    return intention


async def _check_holder(
    session: AsyncSession, actor: Actor, person_id: int | None, place_id: int | None
) -> None:
    if person_id is not None and await session.get(Person, person_id) is None:
        raise NotFound("There is no such person.", field="personId")
    if place_id is not None and await session.get(Place, place_id) is None:
        raise NotFound("There is no such place.", field="placeId")


def check_team_reach(actor: Actor, team_id: int | None) -> None:
    """A writer granted within teams gives case-less intentions only to those teams:
    without a case, the team is what puts the intention within their reach."""
    teams = actor.teams_for(WRITE)
    if teams is not None and team_id not in teams:
        raise PermissionDenied(
            "Give it to one of the teams your role is granted in.", field="teamId"
        )


async def update_intention(
    session: AsyncSession,
    actor: Actor,
    *,
    intention_id: int,
    expected_version: int,
    fields: IntentionFields,
) -> Intention:
    intention = await get_intention(session, actor, intention_id)
    expect_version(intention, expected_version)
    if intention.status != OPEN:
        raise NotAllowed("Only open intentions can be changed.", field="id")
    await _apply(session, await _module_of(session, actor, intention), intention, fields.given())
    if intention.case_id is None:
        check_team_reach(actor, intention.team_id)
    await session.flush()
    return intention


async def finish_intention(
    session: AsyncSession,
    actor: Actor,
    *,
    intention_id: int,
    expected_version: int,
    status: str,
    on_date: date | None = None,
    note: str = "",
) -> Intention:
    """Complete (``done``) or cancel an open intention."""
    intention = await get_intention(session, actor, intention_id)
    expect_version(intention, expected_version)
    if intention.status != OPEN:
        raise NotAllowed(f"The intention is already {intention.status}.", field="id")
    if status not in (DONE, CANCELLED):
        raise ValidationFailed("Finish as done or cancelled.", field="status")
    on_date = on_date or today()
    check_past(on_date, "onDate")
    if len(note) > MAX_TEXT:
        raise ValidationFailed(f"At most {MAX_TEXT} characters.", field="note")
    intention.status, intention.completed_on, intention.completion_note = (
        status,
        on_date,
        note.strip(),
    )
    await session.flush()
    return intention
