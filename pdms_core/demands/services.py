"""Recording demands on a case and linking presenting demands to their root causes.

Every edit claims the case's version: demands are part of the case aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.cases.lookups import CHANNEL, DEMAND_CATEGORY, DEMAND_TYPE, STRATEGIC_OBJECTIVE
from pdms_core.cases.models import CaseRecord
from pdms_core.cases.module_lists import module_value, shared_value
from pdms_core.cases.pauses import refresh_case_due
from pdms_core.cases.services import check_past, claim_case
from pdms_core.demands.models import FAILURE, VALUE, Demand, DemandCause
from pdms_core.errors import Duplicate, NotAllowed, NotFound, ValidationFailed
from pdms_core.lookups.models import LookupValue
from pdms_core.partial import UNSET, PartialFields
from pdms_core.standards.services import due_dates
from pdms_core.standards.task_lists import apply_task_list
from pdms_core.today import today

MAX_TEXT = 4000


@dataclass
class DemandFields(PartialFields):
    """A demand's details; on update, ``UNSET`` fields stay as they are."""

    type_code: object = UNSET
    category_code: object = UNSET
    nature: object = UNSET
    is_presenting: object = UNSET
    channel_code: object = UNSET
    strategic_objective_code: object = UNSET
    description: object = UNSET
    what_matters: object = UNSET
    received_on: object = UNSET


async def get_demand(session: AsyncSession, demand_id: int, *, field: str = "id") -> Demand:
    demand = await session.get(Demand, demand_id, populate_existing=True)
    if demand is None:
        raise NotFound("There is no such demand.", field=field)
    return demand


def _text(value: object, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"At most {MAX_TEXT} characters.", field=field)
    return text


async def _apply(session: AsyncSession, case: CaseRecord, demand: Demand, given: dict) -> None:
    module = case.module
    if "type_code" in given:
        demand.type_id = (
            await module_value(session, module, DEMAND_TYPE, given["type_code"], field="typeCode")
        ).id
        if "category_code" not in given:
            given["category_code"] = None
    if "category_code" in given:
        demand.category_id = None
        if given["category_code"] is not None:
            parent = await session.get(LookupValue, demand.type_id)
            demand.category_id = (
                await module_value(
                    session,
                    module,
                    DEMAND_CATEGORY,
                    given["category_code"],
                    field="categoryCode",
                    parent=parent,
                )
            ).id
    if "nature" in given:
        if given["nature"] not in (VALUE, FAILURE):
            raise ValidationFailed("Nature is value or failure.", field="nature")
        demand.nature = given["nature"]
    if "is_presenting" in given:
        demand.is_presenting = bool(given["is_presenting"])
    if "channel_code" in given:
        channel = await shared_value(session, CHANNEL, given["channel_code"], field="channelCode")
        demand.channel_id = channel.id if channel else None
    if "strategic_objective_code" in given:
        objective = await shared_value(
            session,
            STRATEGIC_OBJECTIVE,
            given["strategic_objective_code"],
            field="strategicObjectiveCode",
        )
        demand.strategic_objective_id = objective.id if objective else None
    for name, field in (("description", "description"), ("what_matters", "whatMatters")):
        if name in given:
            setattr(demand, name, _text(given[name], field))
    if "received_on" in given:
        received = given["received_on"] or today()
        check_past(received, "receivedOn")
        if received < case.opened_on:
            raise ValidationFailed(
                "A demand cannot arrive before its case opened.", field="receivedOn"
            )
        demand.received_on = received


async def _set_due_dates(session: AsyncSession, case: CaseRecord, demand: Demand) -> None:
    demand.due_on, demand.warn_on = await due_dates(
        session, case.module, demand.type_id, demand.received_on
    )
    await session.flush()
    await refresh_case_due(session, case)


async def add_demand(
    session: AsyncSession,
    actor: Actor,
    *,
    case_id: int,
    expected_version: int,
    fields: DemandFields,
    presenting_demand_id: int | None = None,
) -> Demand:
    """Record a demand on a case; with ``presenting_demand_id`` it is recorded as an
    underlying demand (a root cause) of that presenting demand."""
    case = await claim_case(session, actor, case_id, expected_version)
    if case.closed_on is not None:
        raise NotAllowed("The case is closed; reopen it to add demands.", field="caseId")
    given = {"received_on": None, "description": "", "what_matters": "", **fields.given()}
    if "type_code" not in given or "nature" not in given:
        raise ValidationFailed("Give the demand's type and nature.", field="typeCode")
    if presenting_demand_id is not None:
        given["is_presenting"] = False
    demand = Demand(case_id=case.id, module=case.module, is_presenting=True)
    await _apply(session, case, demand, given)
    session.add(demand)
    await session.flush()
    await _set_due_dates(session, case, demand)
    if presenting_demand_id is not None:
        await _link(session, case, presenting_demand_id, demand.id)
    await apply_task_list(session, case, demand)
    return demand


async def update_demand(
    session: AsyncSession,
    actor: Actor,
    *,
    demand_id: int,
    expected_version: int,
    fields: DemandFields,
) -> Demand:
    """Correct a demand's details (the case's version is claimed)."""
    demand = await get_demand(session, demand_id)
    case = await claim_case(session, actor, demand.case_id, expected_version, field="id")
    given = fields.given()
    await _apply(session, case, demand, given)
    if given.get("is_presenting") is False and await _has(
        session, DemandCause.presenting_id, demand.id
    ):
        raise NotAllowed(
            "The demand has root causes linked; unlink them first.", field="isPresenting"
        )
    if given.get("is_presenting") is True and await _has(
        session, DemandCause.underlying_id, demand.id
    ):
        raise NotAllowed(
            "The demand is linked as a root cause; unlink it first.", field="isPresenting"
        )
    await session.flush()
    if "type_code" in given or "received_on" in given:
        await _set_due_dates(session, case, demand)
    return demand


async def _has(session: AsyncSession, column: object, demand_id: int) -> bool:
    return (
        await session.scalar(select(DemandCause.id).where(column == demand_id).limit(1)) is not None
    )


async def resolve_demand(
    session: AsyncSession,
    actor: Actor,
    *,
    demand_id: int,
    expected_version: int,
    resolved_on: date | None,
) -> Demand:
    """Mark a demand resolved (``resolved_on`` None reopens it)."""
    demand = await get_demand(session, demand_id)
    await claim_case(session, actor, demand.case_id, expected_version, field="id")
    if resolved_on is not None:
        check_past(resolved_on, "resolvedOn")
        if resolved_on < demand.received_on:
            raise ValidationFailed(
                "A demand cannot be resolved before it arrived.", field="resolvedOn"
            )
    demand.resolved_on = resolved_on
    await session.flush()
    return demand


async def _link(
    session: AsyncSession, case: CaseRecord, presenting_id: int, underlying_id: int
) -> DemandCause:
    presenting = await get_demand(session, presenting_id, field="presentingDemandId")
    underlying = await get_demand(session, underlying_id, field="underlyingDemandId")
    if presenting.case_id != case.id or underlying.case_id != case.id:
        raise ValidationFailed(
            "Both demands must belong to the same case.", field="underlyingDemandId"
        )
    if not presenting.is_presenting:
        raise ValidationFailed(
            "That demand is not a presenting demand.", field="presentingDemandId"
        )
    if underlying.is_presenting:
        raise ValidationFailed(
            "That demand is a presenting demand, not a root cause.", field="underlyingDemandId"
        )
    exists = await session.scalar(
        select(DemandCause.id).where(
            DemandCause.presenting_id == presenting_id, DemandCause.underlying_id == underlying_id
        )
    )
    if exists is not None:
        raise Duplicate("The demands are already linked.", field="underlyingDemandId")
    link = DemandCause(presenting_id=presenting_id, underlying_id=underlying_id)
    session.add(link)
    await session.flush()
    return link


async def link_underlying(
    session: AsyncSession,
    actor: Actor,
    *,
    presenting_id: int,
    underlying_id: int,
    expected_version: int,
) -> Demand:
    """Record that ``underlying`` is a root cause behind ``presenting`` (returns the latter)."""
    presenting = await get_demand(session, presenting_id, field="presentingDemandId")
    case = await claim_case(
        session, actor, presenting.case_id, expected_version, field="presentingDemandId"
    )
    await _link(session, case, presenting_id, underlying_id)
    return presenting


async def unlink_underlying(
    session: AsyncSession,
    actor: Actor,
    *,
    presenting_id: int,
    underlying_id: int,
    expected_version: int,
) -> Demand:
    presenting = await get_demand(session, presenting_id, field="presentingDemandId")
    await claim_case(
        session, actor, presenting.case_id, expected_version, field="presentingDemandId"
    )
    link = await session.scalar(
        select(DemandCause).where(
            DemandCause.presenting_id == presenting_id, DemandCause.underlying_id == underlying_id
        )
    )
    if link is None:
        raise NotFound("The demands are not linked.", field="underlyingDemandId")
    await session.delete(link)
    await session.flush()
    return presenting
