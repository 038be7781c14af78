"""The home lists the measures drill down to: overdue, due soon, in date ..."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from pdms_core.plugin import After, Connection, First, described, keyset_page, query_field, today
from sqlalchemy import Date, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_gas_electric.graphql.types import GasElectricHome
from pdms_gas_electric.measures import NEVER, status_condition, status_deadline
from pdms_gas_electric.models import Home
from pdms_gas_electric.permissions import READ

#: Core's page size when ``first`` is not given (the ``First`` argument's default).
DEFAULT_PAGE = 20


@strawberry.enum(description="Which homes a list holds (each measure row names one).")
class GasElectricHomeStatus(Enum):
    GAS_NEEDS_CHECK = strawberry.enum_value(
        "GAS_NEEDS_CHECK", description="A live supply and a landlord appliance in use."
    )
    GAS_VALID = strawberry.enum_value(
        "GAS_VALID", description="Needing a check, with one in date on the day."
    )
    GAS_NOT_VALID = strawberry.enum_value(
        "GAS_NOT_VALID", description="Needing a check, with none in date on the day."
    )
    GAS_OVERDUE = strawberry.enum_value(
        "GAS_OVERDUE", description="Needing a check: the deadline has passed, or never checked."
    )
    GAS_DUE_30 = strawberry.enum_value("GAS_DUE_30", description="Deadline within 0-30 days.")
    GAS_DUE_60 = strawberry.enum_value("GAS_DUE_60", description="Deadline in 31-60 days.")
    GAS_DUE_90 = strawberry.enum_value("GAS_DUE_90", description="Deadline in 61-90 days.")
    EICR_VALID = strawberry.enum_value("EICR_VALID", description="An EICR in date on the day.")
    EICR_NOT_VALID = strawberry.enum_value(
        "EICR_NOT_VALID", description="No EICR in date on the day."
    )
    EICR_OVERDUE = strawberry.enum_value(
        "EICR_OVERDUE", description="The next inspection date has passed."
    )
    EICR_MISSING = strawberry.enum_value("EICR_MISSING", description="No EICR recorded.")
    EICR_REMEDIAL_OVERDUE = strawberry.enum_value(
        "EICR_REMEDIAL_OVERDUE", description="Electrical remedial work past its deadline."
    )


@strawberry.type
class GasElectricListsQuery:
    @query_field(
        description="Homes in one status on a day (default today): the homes behind each "
        "measure figure, soonest deadline first (the gas deadline for GAS_ lists, the next "
        "inspection for EICR_ lists, the remedial deadline for EICR_REMEDIAL_OVERDUE; never "
        "checked first of all), then by id. A fixed number of statements, whatever the "
        "number of homes.",
        permission=READ,
    )
    async def gas_electric_home_list(
        self,
        info: Info,
        status: Annotated[GasElectricHomeStatus, described("Which homes.")],
        on: Annotated[date | None, described("The day (default today).")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[GasElectricHome]:
        statement = select(Home).where(status_condition(status.value, on or today()))
        async with info.context.session() as session:
            page = await deadline_page(
                session, statement, status_deadline(status.value), first=first, after=after
            )
        return page.connection()


async def deadline_page(
    session: AsyncSession, statement: Any, deadline: Any, *, first: int | None, after: str | None
) -> Any:
    """A page of homes soonest deadline first, never checked (no deadline) before all.

    The key is (deadline, id) with no deadline as NEVER. Two keyset reads with the same
    cursor give it: the homes without a deadline (a cursor past them finds none), then
    the dated ones along the deadline's index, so a page never sorts the whole list
    (a sort of every overdue home cost four times the page read in id order).
    """
    undated = await keyset_page(
        session,
        statement.where(deadline.is_(None)),
        # NEVER as a constant, not coalesce(deadline, NEVER): the same key, and the
        # database walks the primary key instead of sorting every undated home
        [literal(NEVER, Date), Home.id],
        first=first,
        after=after,
    )
    dated = await keyset_page(
        session,
        statement.where(deadline.is_not(None)),
        [deadline, Home.id],
        first=first,
        after=after,
    )
    rows, keys = undated.rows + dated.rows, undated.keys + dated.keys
    size = DEFAULT_PAGE if first is None else first  # keyset_page has checked it
    undated.rows, undated.keys = rows[:size], keys[:size]
    undated.has_next = len(rows) > size or undated.has_next or dated.has_next
    return undated
