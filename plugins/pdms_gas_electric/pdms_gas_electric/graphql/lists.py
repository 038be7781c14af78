"""The home lists the measures drill down to: overdue, due soon, in date ..."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from pdms_core.plugin import After, Connection, First, described, keyset_page, query_field, today
from sqlalchemy import select
from strawberry.types import Info

from pdms_gas_electric.graphql.types import GasElectricHome
from pdms_gas_electric.measures import STATUSES, status_condition
from pdms_gas_electric.models import Home
from pdms_gas_electric.permissions import READ

GasElectricHomeStatus = strawberry.enum(
    Enum("GasElectricHomeStatus", {name: name for name in STATUSES}),
    description="Which homes a list holds (each measure row names one). GAS_NEEDS_CHECK: a "
    "live supply and a landlord appliance; GAS_VALID / GAS_NOT_VALID: of those, with / without "
    "a check in date on the day; GAS_OVERDUE: deadline passed or never checked; GAS_DUE_30, "
    "GAS_DUE_60, GAS_DUE_90: deadline within 0-30, 31-60, 61-90 days; EICR_VALID / "
    "EICR_NOT_VALID: an EICR in date or not; EICR_OVERDUE: next inspection passed; "
    "EICR_MISSING: none recorded; EICR_REMEDIAL_OVERDUE: remedial work past its deadline.",
)


@strawberry.type
class GasElectricListsQuery:
    @query_field(
        description="Homes in one status on a day (default today), in id order: the homes "
        "behind each measure figure. A fixed number of statements, whatever the number of "
        "homes.",
        permission=READ,
    )
    async def gas_electric_home_list(
        self,
        info: Info,
        status: Annotated[GasElectricHomeStatus, described("Which homes.")],  # type: ignore[valid-type]
        on: Annotated[date | None, described("The day (default today).")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[GasElectricHome]:
        statement = select(Home).where(status_condition(status.value, on or today()))
        async with info.context.session() as session:
            page = await keyset_page(session, statement, [Home.id], first=first, after=after)
        return page.connection()
