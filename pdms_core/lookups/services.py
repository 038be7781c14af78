"""Reading and administering lookup values. No strawberry here: the CLI uses it too."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor
from pdms_core.db.unit_of_work import expect_version
from pdms_core.errors import Duplicate, NotFound, UserError, UserErrors, ValidationFailed
from pdms_core.lookups.attributes import read_attributes
from pdms_core.lookups.models import ADMIN, LookupSet, LookupValue
from pdms_core.records import LookupAttribute

CODE = re.compile(r"^[a-z0-9][a-z0-9_]{0,99}$")
MAX_LABEL = 200


async def get_set(session: AsyncSession, code: str, *, field: str = "setCode") -> LookupSet:
    """The list called ``code``, or NOT_FOUND."""
    found = await session.scalar(select(LookupSet).where(LookupSet.code == code))
    if found is None:
        raise NotFound(f"There is no lookup list {code!r}.", field=field)
    return found


async def active_value(
    session: AsyncSession, set_code: str, code: str, *, field: str
) -> LookupValue:
    """The active value ``code`` of the list ``set_code``, or VALIDATION naming ``field``."""
    value = await session.scalar(
        select(LookupValue)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == set_code, LookupValue.code == code)
    )
    if value is None or not value.is_active:
        raise ValidationFailed(f"{code!r} is not an active value of {set_code!r}.", field=field)
    return value


async def get_value(session: AsyncSession, value_id: int, *, field: str = "id") -> LookupValue:
    """The value with this id, or NOT_FOUND."""
    found = await session.get(LookupValue, value_id)
    if found is None:
        raise NotFound("There is no such lookup value.", field=field)
    return found


def _check_label(label: str) -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise ValidationFailed("Enter a label.", field="label")
    if len(cleaned) > MAX_LABEL:
        raise ValidationFailed(f"Labels are at most {MAX_LABEL} characters.", field="label")
    return cleaned


async def add_value(
    session: AsyncSession,
    actor: Actor,
    *,
    set_code: str,
    code: str,
    label: str,
    parent_code: str | None = None,
    attributes: Mapping[str, str | None] | None = None,
    declared: Sequence[LookupAttribute] = (),
) -> LookupValue:
    """Add a council-defined value at the end of a list, with the ``attributes`` the
    list ``declared`` (text, read by each attribute's kind)."""
    lookup_set = await get_set(session, set_code)
    problems: list[UserError] = []
    if not CODE.match(code):
        problems.append(
            ValidationFailed(
                "Codes are 1-100 lower-case letters, digits or underscores.", field="code"
            )
        )
    try:
        label = _check_label(label)
    except UserError as exc:
        problems.append(exc)
    parent_id = None
    try:
        parent_id = await _parent_for(session, lookup_set, parent_code)
    except UserError as exc:
        problems.append(exc)
    data = None
    if attributes:
        try:
            codes = {*await _codes(session, lookup_set.id), code}
            data = read_attributes(declared, attributes, codes=codes)
        except UserErrors as exc:
            problems.extend(exc.errors)
        except UserError as exc:
            problems.append(exc)
    if problems:
        raise UserErrors(problems)
    taken = await session.scalar(
        select(LookupValue.id).where(LookupValue.set_id == lookup_set.id, LookupValue.code == code)
    )
    if taken is not None:
        raise Duplicate(f"The list already has a value with code {code!r}.", field="code")
    last = await session.scalar(
        select(func.max(LookupValue.sort_order)).where(LookupValue.set_id == lookup_set.id)
    )
    value = LookupValue(
        set_id=lookup_set.id,
        code=code,
        label=label,
        origin=ADMIN,
        sort_order=(last or 0) + 1,
        parent_id=parent_id,
        data=data,
        data_customised=data is not None,
    )
    session.add(value)
    await session.flush()
    return value


async def _parent_for(
    session: AsyncSession, lookup_set: LookupSet, parent_code: str | None
) -> int | None:
    if lookup_set.parent_set_id is None:
        if parent_code is not None:
            raise ValidationFailed("This list has no parent list.", field="parentCode")
        return None
    if parent_code is None:
        raise ValidationFailed("Choose the parent value.", field="parentCode")
    parent = await session.scalar(
        select(LookupValue).where(
            LookupValue.set_id == lookup_set.parent_set_id, LookupValue.code == parent_code
        )
    )
    if parent is None or not parent.is_active:
        raise ValidationFailed(
            "The parent value does not exist or is inactive.", field="parentCode"
        )
    return parent.id


async def set_value_attributes(
    session: AsyncSession,
    actor: Actor,
    *,
    value_id: int,
    attributes: Mapping[str, str | None],
    expected_version: int,
    declared: Sequence[LookupAttribute],
) -> LookupValue:
    """Set (or, with None, clear) attributes of a value; sync keeps them from now on."""
    value = await get_value(session, value_id)
    expect_version(value, expected_version)
    codes = await _codes(session, value.set_id)
    value.data = read_attributes(declared, attributes, codes=codes, current=value.data)
    value.data_customised = True
    await session.flush()
    return value


async def _codes(session: AsyncSession, set_id: int) -> set[str]:
    return set(await session.scalars(select(LookupValue.code).where(LookupValue.set_id == set_id)))


async def rename_value(
    session: AsyncSession, actor: Actor, *, value_id: int, label: str, expected_version: int
) -> LookupValue:
    """Change a value's label; the code, which other systems may hold, never changes."""
    value = await get_value(session, value_id)
    expect_version(value, expected_version)
    value.label = _check_label(label)
    value.label_customised = True
    await session.flush()
    return value


async def set_value_active(
    session: AsyncSession, actor: Actor, *, value_id: int, active: bool, expected_version: int
) -> LookupValue:
    """Deactivate (hide from new records, keep for old ones) or reactivate a value."""
    value = await get_value(session, value_id)
    expect_version(value, expected_version)
    value.is_active = active
    await session.flush()
    return value


async def reorder_values(
    session: AsyncSession, actor: Actor, *, set_code: str, value_ids: Sequence[int]
) -> list[LookupValue]:
    """Put a list's values in the given order; every value must be listed once."""
    lookup_set = await get_set(session, set_code)
    values = (
        await session.scalars(select(LookupValue).where(LookupValue.set_id == lookup_set.id))
    ).all()
    by_id = {value.id: value for value in values}
    if len(set(value_ids)) != len(value_ids) or set(value_ids) != set(by_id):
        raise ValidationFailed("List every value of the list exactly once.", field="valueIds")
    for position, value_id in enumerate(value_ids, start=1):
        if by_id[value_id].sort_order != position:
            by_id[value_id].sort_order = position
    await session.flush()
    return [by_id[value_id] for value_id in value_ids]
