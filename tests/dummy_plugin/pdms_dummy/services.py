"""Widget services: plain functions over a session, as every module's are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import (
    Actor,
    MeasureColumn,
    MeasureFilter,
    MeasureTable,
    ValidationFailed,
    core_tables,
    group_by,
)
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


LOOKUP_VALUE = core_tables.lookup_value


async def widgets_by_colour(session: AsyncSession, measure_filter: MeasureFilter) -> MeasureTable:
    """A plugin measure: widgets per colour (no colour last), grouped in SQL."""
    rows = await session.execute(
        select(LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label, func.count(Widget.id))
        .select_from(Widget)
        .outerjoin(LOOKUP_VALUE, LOOKUP_VALUE.c.id == Widget.colour_id)
        .group_by(LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label)
        .order_by(LOOKUP_VALUE.c.code.is_(None), LOOKUP_VALUE.c.code)
    )
    return MeasureTable(
        columns=(
            MeasureColumn("colour_code", "Colour code"),
            MeasureColumn("colour", "Colour"),
            MeasureColumn("widgets", "Widgets", "integer"),
        ),
        rows=tuple(tuple(row) for row in rows),
    )


async def widget_letter_fields(
    session: AsyncSession, widget_id: int, actor: Actor, settings: Any
) -> dict[str, Any]:
    """A letter purpose's provider: the merge fields of one widget."""
    widget = await session.get(Widget, widget_id)
    return {} if widget is None else {"widget_name": widget.name}
