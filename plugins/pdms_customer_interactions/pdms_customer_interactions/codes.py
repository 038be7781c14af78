"""Resolving codes of council-editable lists to values, with typed errors."""

from __future__ import annotations

from typing import Any

from pdms_core.plugin import ValidationFailed, core_tables
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

LOOKUP_SET = core_tables.lookup_set
LOOKUP_VALUE = core_tables.lookup_value
DEMAND_TYPE = "demand_type"
DEMAND_CATEGORY = "demand_category"


def list_code(module: str, name: str) -> str:
    """Core's problem lists are unprefixed; a module's own are ``<module>.<name>``."""
    return name if module == "core" else f"{module}.{name}"


async def _values(session: AsyncSession, set_codes: list[str]) -> list[Any]:
    rows = await session.execute(
        select(
            LOOKUP_SET.c.code.label("set_code"),
            LOOKUP_VALUE.c.id,
            LOOKUP_VALUE.c.parent_id,
            LOOKUP_VALUE.c.code,
            LOOKUP_VALUE.c.label,
            LOOKUP_VALUE.c.data,
            LOOKUP_VALUE.c.is_active,
        )
        .join(LOOKUP_SET, LOOKUP_SET.c.id == LOOKUP_VALUE.c.set_id)
        .where(LOOKUP_SET.c.code.in_(set_codes))
    )
    return list(rows)


async def value(session: AsyncSession, set_code: str, code: str, *, field: str, noun: str) -> Any:
    """The active value ``code`` of one list, or VALIDATION on ``field``."""
    for row in await _values(session, [set_code]):
        if row.code == code and row.is_active:
            return row
    raise ValidationFailed(f"{code!r} is not an active {noun}.", field=field)


async def module_problem_value(
    session: AsyncSession,
    module: str,
    name: str,
    code: str,
    *,
    field: str,
    noun: str,
    parent_id: int | None = None,
) -> Any:
    """A value of the problem list ``module`` uses (its own when it declares one, else
    core's), as core's case services choose it; with ``parent_id`` it must belong there."""
    own, core = list_code(module, name), name
    rows = await _values(session, [own, core])
    chosen = own if any(r.set_code == own for r in rows) else core
    for row in rows:
        if row.set_code == chosen and row.code == code and row.is_active:
            if parent_id is not None and row.parent_id != parent_id:
                raise ValidationFailed(
                    f"{code!r} does not belong to that {noun}'s type.", field=field
                )
            return row
    raise ValidationFailed(f"{code!r} is not an active {noun} for {module}.", field=field)
