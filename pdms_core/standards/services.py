"""Setting service standards and computing the due dates they give."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.cases.lookups import DEMAND_TYPE, INTENTION_TYPE
from pdms_core.cases.module_lists import check_module, module_value
from pdms_core.db.unit_of_work import expect_version
from pdms_core.errors import NotFound, ValidationFailed
from pdms_core.standards.models import ServiceStandard
from pdms_core.standards.working_days import add_working_days

#: The lists a service standard can be set for.
STANDARD_LISTS = (DEMAND_TYPE, INTENTION_TYPE)
MAX_TARGET = 365


async def set_standard(
    session: AsyncSession,
    actor: Actor,
    *,
    module: str,
    known_modules: Collection[str],
    list_name: str,
    code: str,
    target_days: int,
    warning_days: int,
    expected_version: int | None = None,
) -> ServiceStandard:
    """Set (or change) the target for a demand type or intention type of ``module``.

    Changing an existing standard takes its ``expected_version``; due dates already
    given keep their dates (a standard applies from when work arrives).
    """
    check_module(module, known_modules)
    if list_name not in STANDARD_LISTS:
        raise ValidationFailed("Standards are set for demand or intention types.", field="kind")
    if not 1 <= target_days <= MAX_TARGET:
        raise ValidationFailed(f"The target is 1-{MAX_TARGET} working days.", field="targetDays")
    if not 0 <= warning_days <= target_days:
        raise ValidationFailed(
            "The warning comes between 0 working days and the target.", field="warningDays"
        )
    value = await module_value(session, module, list_name, code, field="code")
    standard = await find_standard(session, module, value.id)
    if standard is None:
        standard = ServiceStandard(module=module, lookup_value_id=value.id)
        session.add(standard)
    else:
        expect_version(standard, expected_version)
    standard.target_days, standard.warning_days = target_days, warning_days
    await session.flush()
    return standard


async def remove_standard(
    session: AsyncSession, actor: Actor, *, standard_id: int, expected_version: int
) -> ServiceStandard:
    standard = await session.get(ServiceStandard, standard_id)
    if standard is None:
        raise NotFound("There is no such service standard.", field="id")
    expect_version(standard, expected_version)
    await session.delete(standard)
    await session.flush()
    return standard


async def find_standard(session: AsyncSession, module: str, type_id: int) -> ServiceStandard | None:
    return await session.scalar(
        select(ServiceStandard).where(
            ServiceStandard.module == module, ServiceStandard.lookup_value_id == type_id
        )
    )


async def due_dates(
    session: AsyncSession, module: str, type_id: int, start: date
) -> tuple[date | None, date | None]:
    """(due, warn-from) for ``module``'s work of this type arriving on ``start``;
    (None, None) when the module has no standard for the type."""
    standard = await find_standard(session, module, type_id)
    if standard is None:
        return None, None
    return (
        add_working_days(start, standard.target_days),
        add_working_days(start, standard.warning_days),
    )
