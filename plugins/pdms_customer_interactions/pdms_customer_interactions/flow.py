"""The call handler's one mutation: record the contact and, if asked, open or join a case.

Everything happens in the caller's unit of work: a refused case leaves no contact
behind, and a refused contact opens no case.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pdms_core.plugin import (
    Actor,
    DemandFields,
    NewParty,
    PermissionDenied,
    ValidationFailed,
    add_demand,
    core_tables,
    open_case,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions import assignment, codes, services
from pdms_customer_interactions.lists import CHANNEL
from pdms_customer_interactions.models import Decision, Interaction

CASE_WRITE = "core.cases.write"
CASE_RECORD = core_tables.case_record
SUBJECT = "subject"
LONDON = ZoneInfo("Europe/London")


def local_day(given: services.NewInteraction) -> date:
    """The contact's day in England and Wales (a call at 00:30 BST is that day's)."""
    return given.started_at.astimezone(LONDON).date()


@dataclass(frozen=True)
class CaseRequest:
    """Open a case from the contact; ``team_id``/``officer_id`` override the rules."""

    module: str = "core"
    summary: str = ""
    assign: bool = True
    team_id: int | None = None
    officer_id: int | None = None


@dataclass
class Recorded:
    interaction: Interaction
    case: Any = None
    decision: Decision | None = None


async def _demand_channel(session: AsyncSession, channel_code: str) -> str | None:
    row = await codes.value(
        session, CHANNEL, channel_code, field="channelCode", noun="contact channel"
    )
    return (row.data or {}).get("demand_channel") or None


async def _add_demand(
    session: AsyncSession, actor: Actor, given: services.NewInteraction, case_id: int
) -> Any:
    version = await session.scalar(select(CASE_RECORD.c.version).where(CASE_RECORD.c.id == case_id))
    if version is None:
        raise ValidationFailed("There is no such case.", field="caseId")
    return await add_demand(
        session,
        actor,
        case_id=case_id,
        expected_version=version,
        fields=DemandFields(
            type_code=given.demand_type_code,
            category_code=given.demand_category_code,
            nature=given.nature,
            channel_code=await _demand_channel(session, given.channel_code),
            description=given.caller_words,
            received_on=local_day(given),
        ),
    )


async def record(
    session: AsyncSession,
    actor: Actor,
    given: services.NewInteraction,
    *,
    known_modules: Collection[str],
    open_request: CaseRequest | None = None,
) -> Recorded:
    """Record a contact; with ``given.case_id`` add its demand to that case, with
    ``open_request`` open a case with the demand and route it by the rules."""
    services.known(known_modules, given.demand_module)
    if given.case_id is not None and open_request is not None:
        raise ValidationFailed("Join a case or open one, not both.", field="openCase")
    if (given.case_id is not None or open_request is not None) and not actor.has(CASE_WRITE):
        raise PermissionDenied(f"Opening or joining a case needs the permission {CASE_WRITE}.")
    if given.case_id is not None:
        interaction = await services.record_interaction(session, actor, given)
        demand = await _add_demand(session, actor, given, given.case_id)
        interaction.demand_id = demand.id
        await session.flush()
        return Recorded(interaction)
    if open_request is None:
        return Recorded(await services.record_interaction(session, actor, given))
    if open_request.module != given.demand_module:
        raise ValidationFailed(
            "The case's module must be the demand type's module.", field="openCase.module"
        )
    # Check the contact before the case takes a reference number.
    await services.validate_only(session, given)
    decision = None
    team_id, officer_id = open_request.team_id, open_request.officer_id
    if open_request.assign and team_id is None and officer_id is None:
        decision = await assignment.decide_for(session, given)
        team_id, officer_id = decision.team_id, decision.officer_id
    case = await open_case(
        session,
        actor,
        module=open_request.module,
        known_modules=known_modules,
        summary=open_request.summary or given.caller_words[:200],
        team_id=team_id,
        officer_id=officer_id,
        opened_on=local_day(given),
        parties=[NewParty(given.person_id, SUBJECT)] if given.person_id else [],
        place_ids=[given.place_id] if given.place_id else [],
    )
    demand = await _add_demand(session, actor, given, case.id)
    interaction = await services.record_interaction(
        session, actor, replace(given, case_id=case.id, demand_id=demand.id)
    )
    if decision is not None:
        decision = await assignment.store(
            session, decision, interaction_id=interaction.id, case_id=case.id
        )
    return Recorded(interaction, case, decision)
