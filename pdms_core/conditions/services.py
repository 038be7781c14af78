"""Raising system conditions and linking them to the work they held up."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from pdms_core.activities.models import Activity
from pdms_core.auth.actor import Actor
from pdms_core.cases.lookups import SYSTEM_CONDITION_TYPE
from pdms_core.cases.models import CaseRecord
from pdms_core.cases.module_lists import check_module, module_value
from pdms_core.cases.services import check_past
from pdms_core.cases.visibility import READ as READ_CASES
from pdms_core.cases.visibility import within_reach
from pdms_core.conditions.models import SystemCondition, SystemConditionEffect
from pdms_core.db.unit_of_work import expect_version
from pdms_core.demands.models import Demand
from pdms_core.errors import Duplicate, NotFound, ValidationFailed
from pdms_core.today import today

MAX_TEXT = 4000
MAX_MINUTES = 100_000


@dataclass(frozen=True)
class Effect:
    """What a condition held up: a case, optionally one of its demands or activities."""

    case_id: int
    demand_id: int | None = None
    activity_id: int | None = None
    minutes_lost: int = 0


async def get_condition(
    session: AsyncSession, condition_id: int, field: str = "id"
) -> SystemCondition:
    condition = await session.get(SystemCondition, condition_id, populate_existing=True)
    if condition is None:
        raise NotFound("There is no such system condition.", field=field)
    return condition


def _description(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"At most {MAX_TEXT} characters.", field="description")
    return text


async def raise_condition(
    session: AsyncSession,
    actor: Actor,
    *,
    module: str,
    known_modules: Collection[str],
    type_code: str,
    description: str = "",
    raised_on: date | None = None,
) -> SystemCondition:
    """Record a system condition of ``module``'s configurable types."""
    check_module(module, known_modules)
    kind = await module_value(session, module, SYSTEM_CONDITION_TYPE, type_code, field="typeCode")
    raised_on = raised_on or today()
    check_past(raised_on, "raisedOn")
    condition = SystemCondition(
        module=module, type_id=kind.id, description=_description(description), raised_on=raised_on
    )
    session.add(condition)
    await session.flush()
    return condition


async def update_condition(
    session: AsyncSession,
    actor: Actor,
    *,
    condition_id: int,
    expected_version: int,
    description: str | None = None,
    resolved_on: date | object | None = ...,
) -> SystemCondition:
    """Edit the description, or resolve (a date) / reopen (None) the condition."""
    condition = await get_condition(session, condition_id)
    expect_version(condition, expected_version)
    if description is not None:
        condition.description = _description(description)
    if resolved_on is not ...:
        if resolved_on is not None:
            check_past(resolved_on, "resolvedOn")
            if resolved_on < condition.raised_on:
                raise ValidationFailed(
                    "It cannot be resolved before it was raised.", field="resolvedOn"
                )
        condition.resolved_on = resolved_on
    await _bump(session, condition)
    return condition


async def _check_effect(session: AsyncSession, actor: Actor, effect: Effect) -> None:
    # A team-scoped case reader links conditions only to the cases they can see.
    case = select(CaseRecord.id).where(CaseRecord.id == effect.case_id)
    if await session.scalar(within_reach(case, actor, code=READ_CASES)) is None:
        raise ValidationFailed("There is no such case.", field="caseId")
    for model, row_id, field in (
        (Demand, effect.demand_id, "demandId"),
        (Activity, effect.activity_id, "activityId"),
    ):
        if row_id is not None:
            row = await session.get(model, row_id)
            if row is None or row.case_id != effect.case_id:
                raise ValidationFailed("That record is not on the case.", field=field)
    if not 0 <= effect.minutes_lost <= MAX_MINUTES:
        raise ValidationFailed(f"Minutes lost are 0-{MAX_MINUTES}.", field="minutesLost")


async def link_condition(
    session: AsyncSession, actor: Actor, *, condition_id: int, expected_version: int, effect: Effect
) -> SystemCondition:
    """Record that the condition held up a case (and optionally a demand or activity of it)."""
    condition = await get_condition(session, condition_id)
    expect_version(condition, expected_version)
    await _check_effect(session, actor, effect)
    same = await session.scalar(
        select(SystemConditionEffect.id).where(
            SystemConditionEffect.condition_id == condition_id,
            SystemConditionEffect.case_id == effect.case_id,
            _is(SystemConditionEffect.demand_id, effect.demand_id),
            _is(SystemConditionEffect.activity_id, effect.activity_id),
        )
    )
    if same is not None:
        raise Duplicate("The condition is already linked to that record.", field="caseId")
    session.add(SystemConditionEffect(condition_id=condition_id, **effect.__dict__))
    await _bump(session, condition)
    return condition


def _is(column: object, value: int | None) -> object:
    return column.is_(None) if value is None else column == value


async def _bump(session: AsyncSession, condition: SystemCondition) -> None:
    # Links are part of the condition: every change bumps its version, so two
    # officers editing the same condition conflict instead of overwriting.
    flag_modified(condition, "description")
    await session.flush()


async def unlink_condition(
    session: AsyncSession, actor: Actor, *, effect_id: int, expected_version: int
) -> SystemCondition:
    found = select(SystemConditionEffect).where(SystemConditionEffect.id == effect_id)
    effect = await session.scalar(
        within_reach(found, actor, SystemConditionEffect, code=READ_CASES)
    )
    if effect is None:
        raise NotFound("There is no such link.", field="id")
    condition = await get_condition(session, effect.condition_id)
    expect_version(condition, expected_version)
    await session.delete(effect)
    await _bump(session, condition)
    return condition
