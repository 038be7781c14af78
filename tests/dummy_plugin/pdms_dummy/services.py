"""Widget services: plain functions over a session, as every module's are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import Actor, ValidationFailed, group_by
from pdms_dummy.models import Widget


async def create_widget(
    session: AsyncSession, actor: Actor, *, name: str, place_id: int | None
) -> Widget:
    if not name.strip():
        raise ValidationFailed("Enter a name.", field="name")
    widget = Widget(name=name.strip(), place_id=place_id)
    session.add(widget)
    await session.flush()
    return widget


async def widgets_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Widget]]:
    rows = await session.scalars(
        select(Widget).where(Widget.place_id.in_(place_ids)).order_by(Widget.id)
    )
    return group_by(rows, "place_id")
