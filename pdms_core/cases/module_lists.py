"""Finding a module's value of a problem list (its own list, or core's)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.cases.lookups import module_list_code
from pdms_core.errors import ValidationFailed
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.records import CORE


async def module_list(session: AsyncSession, module: str, list_name: str) -> LookupSet:
    """The list ``list_name`` a case of ``module`` uses: the module's own, else core's."""
    codes = {module_list_code(module, list_name), list_name}
    found = {
        s.code: s for s in await session.scalars(select(LookupSet).where(LookupSet.code.in_(codes)))
    }
    chosen = found.get(module_list_code(module, list_name)) or found.get(list_name)
    if chosen is None:  # pragma: no cover - core's lists are synced at install
        raise ValidationFailed(f"The list {list_name!r} has not been set up; run lookups sync.")
    return chosen


async def module_value(
    session: AsyncSession,
    module: str,
    list_name: str,
    code: str,
    *,
    field: str,
    parent: LookupValue | None = None,
) -> LookupValue:
    """The active value ``code`` of the list ``module`` uses, or VALIDATION naming ``field``.

    A code that exists only in another module's list is refused: a rent-arrears case
    takes rent-arrears demand types. With ``parent``, the value must belong to it
    (a demand category of that demand type, a task of that task category).
    """
    lookup_set = await module_list(session, module, list_name)
    value = await session.scalar(
        select(LookupValue).where(LookupValue.set_id == lookup_set.id, LookupValue.code == code)
    )
    whose = "core" if module == CORE else f"the {module} module"
    if value is None or not value.is_active:
        raise ValidationFailed(
            f"{code!r} is not an active value of {lookup_set.label.lower()} for {whose}.",
            field=field,
        )
    if parent is not None and value.parent_id != parent.id:
        raise ValidationFailed(f"{code!r} does not belong to {parent.code!r}.", field=field)
    return value


async def shared_value(
    session: AsyncSession, list_name: str, code: str | None, *, field: str
) -> LookupValue | None:
    """An active value of a council-wide list (channel, party role ...); None for None."""
    if code is None:
        return None
    return await module_value(session, CORE, list_name, code, field=field)


def check_module(module: str, known_modules: object) -> None:
    """VALIDATION on ``module`` unless it is core or an enabled module."""
    if module not in known_modules:
        raise ValidationFailed(f"There is no installed module {module!r}.", field="module")
