"""Per-request loaders: one statement per batch, whatever the number of homes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pdms_core.plugin import SessionLoader, core_tables
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.checks import results_by_check
from pdms_gas_electric.eicrs import observations_by_eicr
from pdms_gas_electric.models import (
    Alarm,
    Appliance,
    Eicr,
    EicrObservation,
    GasCheck,
    GasCheckResult,
)

LOOKUP_VALUE = core_tables.lookup_value


class LookupCodesByIdLoader(SessionLoader[int, Any]):
    """(id, code, label) of lookup values by id."""

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.execute(
            select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label).where(
                LOOKUP_VALUE.c.id.in_(keys)
            )
        )
        return {row.id: row for row in rows}


class _ByHomeLoader(SessionLoader[int, list[Any]]):
    missing: ClassVar[list[Any]] = []
    model: Any = None
    order: tuple[Any, ...] = ()

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        rows = await session.scalars(
            select(self.model).where(self.model.home_id.in_(keys)).order_by(*self.order)
        )
        found: dict[int, list[Any]] = {}
        for row in rows:
            found.setdefault(row.home_id, []).append(row)
        return found


class AppliancesByHomeLoader(_ByHomeLoader):
    model = Appliance
    order = (Appliance.id,)


class AlarmsByHomeLoader(_ByHomeLoader):
    model = Alarm
    order = (Alarm.id,)


class GasChecksByHomeLoader(_ByHomeLoader):
    """Newest first."""

    model = GasCheck
    order = (GasCheck.checked_on.desc(), GasCheck.id.desc())


class ResultsByCheckLoader(SessionLoader[int, list[GasCheckResult]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        return await results_by_check(session, keys)


class EicrsByHomeLoader(_ByHomeLoader):
    """Newest first."""

    model = Eicr
    order = (Eicr.inspected_on.desc(), Eicr.id.desc())


class ObservationsByEicrLoader(SessionLoader[int, list[EicrObservation]]):
    missing: ClassVar[list[Any]] = []

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        return await observations_by_eicr(session, keys)


class PlacesByIdLoader(SessionLoader[int, Any]):
    """(address, uprn) of core places by id."""

    async def load_many_from(self, session: AsyncSession, keys: Sequence[int]) -> Mapping[int, Any]:
        place = core_tables.place
        rows = await session.execute(
            select(place.c.id, place.c.single_line_address, place.c.uprn).where(
                place.c.id.in_(keys)
            )
        )
        return {row.id: row for row in rows}
