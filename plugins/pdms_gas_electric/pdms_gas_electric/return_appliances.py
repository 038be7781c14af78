"""Which of a home's appliances a contractor return's result line names.

A line names the appliance by its id (the number, or the GraphQL ID) or as the return
quotes it: its location and type, each a list code or label in any case. A quoted
appliance must be exactly one of the home's appliances in use on the check's date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pdms_core.plugin import ValidationFailed, chunks, core_tables, decode_id
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.models import Appliance

LOOKUP_VALUE = core_tables.lookup_value


@dataclass(frozen=True)
class KnownAppliance:
    id: int
    types: frozenset[str]
    locations: frozenset[str]
    removed_on: date | None

    def in_use(self, on: date) -> bool:
        return self.removed_on is None or self.removed_on > on


def appliance_number(text: str) -> int:
    """The appliance's id from its number or global ID; ValueError when neither."""
    if text.isdigit():
        return int(text)
    try:
        return decode_id(text, "GasElectricAppliance")
    except ValidationFailed:
        raise ValueError(text) from None


async def appliances_of(
    session: AsyncSession, home_ids: Sequence[int]
) -> dict[int, list[KnownAppliance]]:
    """Every appliance of the homes, with its type and location as codes and labels."""
    kind = LOOKUP_VALUE.alias("kind")
    place = LOOKUP_VALUE.alias("place")
    found: dict[int, list[KnownAppliance]] = {}
    for part in chunks(sorted(set(home_ids))):
        rows = await session.execute(
            select(
                Appliance.id,
                Appliance.home_id,
                kind.c.code,
                kind.c.label,
                place.c.code,
                place.c.label,
                Appliance.removed_on,
            )
            .join(kind, kind.c.id == Appliance.type_id)
            .outerjoin(place, place.c.id == Appliance.location_id)
            .where(Appliance.home_id.in_(part))
            .order_by(Appliance.id)
        )
        for row_id, home_id, type_code, type_label, location_code, location_label, removed in rows:
            found.setdefault(home_id, []).append(
                KnownAppliance(
                    row_id,
                    _names(type_code, type_label),
                    _names(location_code, location_label),
                    removed,
                )
            )
    return found


def _names(code: str | None, label: str | None) -> frozenset[str]:
    return frozenset(name.strip().lower() for name in (code, label) if name)


def pick(
    known: Sequence[KnownAppliance], on: date, kind: str, location: str
) -> tuple[int | None, str]:
    """The one appliance in use matching the quoted type and location, or an error."""
    matching = [
        a
        for a in known
        if a.in_use(on)
        and (not kind or kind in a.types)
        and (not location or location in a.locations)
    ]
    quoted = " in the ".join(part for part in (kind, location) if part)
    if not matching:
        return None, f"The home has no appliance {quoted!r} in use on that date."
    if len(matching) > 1:
        return None, f"{len(matching)} appliances match {quoted!r}; give the appliance_id."
    return matching[0].id, ""
