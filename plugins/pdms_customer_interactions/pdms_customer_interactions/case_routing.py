"""Routing a case opened elsewhere (core's ``openCase``, another module) by the rules.

Opt-in per call: ``customerInteractionsRouteCase`` after the case is opened. The facts
come from the case: its first party and first place, its presenting demand's type,
category and channel (the contact channel whose ``demand_channel`` is the demand's),
and the time of routing. The decision is stored with the case, so the dry run replays
it and the "reassigned after routing" measure counts it like any other.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pdms_core.plugin import (
    Actor,
    CaseFields,
    PermissionDenied,
    ValidationFailed,
    core_tables,
    update_case,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_customer_interactions import assignment, codes
from pdms_customer_interactions.lists import CHANNEL
from pdms_customer_interactions.models import Decision

CASE_WRITE = "core.cases.write"
CASE_PARTY = core_tables.case_party
CASE_PLACE = core_tables.case_place
DEMAND = core_tables.demand
LOOKUP_VALUE = core_tables.lookup_value


async def _first(session: AsyncSession, column, key) -> int | None:  # type: ignore[no-untyped-def]
    table = column.table
    return await session.scalar(
        select(column).where(table.c.case_id == key).order_by(table.c.id).limit(1)
    )


async def _code(session: AsyncSession, value_id: int | None) -> str | None:
    if value_id is None:
        return None
    return await session.scalar(select(LOOKUP_VALUE.c.code).where(LOOKUP_VALUE.c.id == value_id))


async def _contact_channel(session: AsyncSession, demand_channel: str | None) -> str | None:
    """The contact channel that records ``demand_channel`` on demands, if one does."""
    if demand_channel is None:
        return None
    for row in await codes._values(session, [CHANNEL]):
        if row.is_active and (row.data or {}).get("demand_channel") == demand_channel:
            return row.code
    return None


async def route_case(
    session: AsyncSession, actor: Actor, *, case_id: int, expected_version: int
) -> tuple[object, Decision]:
    """Route an open case by the current rules: assign it (core's ``update_case``, with
    its checks) and store the decision. A case no rule can route is left as it was."""
    if not actor.has(CASE_WRITE):
        raise PermissionDenied(f"Routing a case needs the permission {CASE_WRITE}.")
    # No change yet: core checks the case exists, the actor reaches it and the version.
    case = await update_case(
        session, actor, case_id=case_id, expected_version=expected_version, fields=CaseFields()
    )
    if case.closed_on is not None:
        raise ValidationFailed("A closed case is not routed.", field="caseId")
    demand = (
        await session.execute(
            select(DEMAND.c.type_id, DEMAND.c.category_id, DEMAND.c.channel_id)
            .where(DEMAND.c.case_id == case_id)
            .order_by(DEMAND.c.is_presenting.desc(), DEMAND.c.id)
            .limit(1)
        )
    ).first()
    facts, book = await assignment.gather_facts(
        session,
        person_id=await _first(session, CASE_PARTY.c.person_id, case_id),
        place_id=await _first(session, CASE_PLACE.c.place_id, case_id),
        demand_type=await _code(session, demand.type_id) if demand else None,
        demand_category=await _code(session, demand.category_id) if demand else None,
        channel=await _contact_channel(
            session, await _code(session, demand.channel_id) if demand else None
        ),
        at=datetime.now(UTC),
    )
    routed = await assignment.route(session, facts, book, claim=True)
    if routed.team_id is None and routed.officer_id is None:
        raise ValidationFailed(
            "No rule routes this case (try the rules with a dry run); it is left as it was.",
            field="caseId",
        )
    updated = await update_case(
        session,
        actor,
        case_id=case_id,
        expected_version=case.version,
        fields=CaseFields(team_id=routed.team_id, officer_id=routed.officer_id),
    )
    decision = await assignment.store(session, routed, interaction_id=None, case_id=case_id)
    return updated, decision
