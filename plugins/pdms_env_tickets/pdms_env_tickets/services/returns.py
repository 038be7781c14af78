"""The national fly-tipping return: a quarter's incidents by size, land type and waste type.

An incident is a ticket of a fly-tipping type (a type whose ``form`` is ``fly_tipping``)
reported in the quarter (UK dates), not marked a duplicate of another ticket and not in a
status coded ``duplicate``. Rows follow the council's list orders, only combinations with
incidents, then one total row; an unrecorded detail is "Not recorded".
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pdms_core.plugin import ValidationFailed, csv_text
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.lists import FLY_TIPPING, LAND_TYPE, SIZE, STATUS, TICKET_TYPE, WASTE_TYPE
from pdms_env_tickets.models import Ticket
from pdms_env_tickets.services.codes import values_by_code

LONDON = ZoneInfo("Europe/London")
NOT_RECORDED = "Not recorded"
HEADER = ("quarter_start", "quarter_end", "size", "land_type", "waste_type", "incidents")


def quarter_bounds(start: date) -> tuple[date, date]:
    """The quarter starting on ``start`` (1 January, April, July or October)."""
    if start.day != 1 or start.month not in (1, 4, 7, 10):
        raise ValidationFailed(
            "A quarter starts on 1 January, April, July or October.", field="quarterStart"
        )
    end_month = start.month + 3
    after = date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, after


async def fly_tipping_return(session: AsyncSession, quarter_start: date) -> str:
    start, after = quarter_bounds(quarter_start)
    kinds = [
        v.id
        for v in (await values_by_code(session, TICKET_TYPE)).values()
        if (v.data or {}).get("form") == FLY_TIPPING
    ]
    duplicate = (await values_by_code(session, STATUS)).get("duplicate")
    statement = select(Ticket.size_id, Ticket.land_type_id, Ticket.waste_type_id).where(
        Ticket.type_id.in_(kinds),
        Ticket.reported_at >= datetime.combine(start, time.min, tzinfo=LONDON),
        Ticket.reported_at < datetime.combine(after, time.min, tzinfo=LONDON),
        Ticket.duplicate_of_id.is_(None),
    )
    if duplicate is not None:
        statement = statement.where(Ticket.status_id != duplicate.id)
    counts = Counter(tuple(row) for row in await session.execute(statement))
    orders = []
    for set_code in (SIZE, LAND_TYPE, WASTE_TYPE):
        values = list((await values_by_code(session, set_code)).values())
        orders.append({v.id: (i, v.label) for i, v in enumerate(values)})

    def place(index: int, value_id: int | None) -> tuple[int, str]:
        return orders[index].get(value_id, (len(orders[index]), NOT_RECORDED))

    last_day = date.fromordinal(after.toordinal() - 1)
    rows = sorted(
        (tuple(place(i, key[i]) for i in range(3)), count) for key, count in counts.items()
    )
    body = [
        (start, last_day, size[1], land[1], waste[1], count) for (size, land, waste), count in rows
    ]
    total = ("Total", "", "", sum(counts.values()))
    return csv_text([HEADER, *body, (start, last_day, *total)])
