"""The daily reminders: stalled servicing jobs and gas checks falling due, via the outbox.

Two digests a day to the servicing team's address (``reminder_email``): the open jobs that
have sat at one stage longer than ``stall_days``, and the homes whose gas check falls due
within ``reminder_due_days``, overdue ones first. Each is queued in the core outbox with a
per-day dedupe key, so running the command twice in a day queues nothing new; an empty
digest is not sent. ``pdms notifications send`` delivers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pdms_core.plugin import core_tables, queue_notification, today
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric.models import Home, Job

PLACE = core_tables.place
LOOKUP_VALUE = core_tables.lookup_value
LISTED = 50


@dataclass(frozen=True)
class ReminderOutcome:
    stalled_jobs: int
    homes_due: int
    queued: int


async def _stalled(session: AsyncSession, before: date) -> tuple[int, list[Any]]:
    where = (Job.closed_on.is_(None), Job.stage_since <= before)
    total = await session.scalar(select(func.count()).select_from(Job).where(*where)) or 0
    rows = await session.execute(
        select(Job.id, Job.kind, Job.stage_since, LOOKUP_VALUE.c.label, PLACE.c.single_line_address)
        .join(LOOKUP_VALUE, LOOKUP_VALUE.c.id == Job.stage_id)
        .join(Home, Home.id == Job.home_id)
        .join(PLACE, PLACE.c.id == Home.place_id)
        .where(*where)
        .order_by(Job.stage_since, Job.id)
        .limit(LISTED)
    )
    return total, list(rows)


async def _due(session: AsyncSession, until: date) -> tuple[int, list[Any]]:
    where = (Home.needs_gas_check, (Home.gas_due_on.is_(None)) | (Home.gas_due_on <= until))
    total = await session.scalar(select(func.count()).select_from(Home).where(*where)) or 0
    rows = await session.execute(
        select(Home.gas_due_on, PLACE.c.single_line_address)
        .join(PLACE, PLACE.c.id == Home.place_id)
        .where(*where)
        .order_by(Home.gas_due_on.is_not(None), Home.gas_due_on, Home.id)
        .limit(LISTED)
    )
    return total, list(rows)


def _more(total: int) -> str:
    return f"\n... and {total - LISTED} more." if total > LISTED else ""


async def queue_reminders(
    session: AsyncSession, *, recipient: str, stall_days: int, due_days: int, on: date | None = None
) -> ReminderOutcome:
    on = on or today()
    queued = 0
    stalled, jobs = await _stalled(session, on - timedelta(days=stall_days))
    if stalled:
        lines = [
            f"{kind} job {job_id} at {address}: {stage} since {since.isoformat()}"
            for job_id, kind, since, stage, address in jobs
        ]
        message = await queue_notification(
            session,
            kind="gas_electric_jobs_stalled",
            channel="email",
            recipient=recipient,
            subject=f"{stalled} servicing jobs stalled more than {stall_days} days",
            body="\n".join(lines) + _more(stalled),
            personalisation={"count": str(stalled), "days": str(stall_days)},
            dedupe_key=f"gas_electric:stalled:{on.isoformat()}",
        )
        queued += message is not None
    due, homes = await _due(session, on + timedelta(days=due_days))
    if due:
        lines = [
            f"{address}: {'never checked' if day is None else 'due ' + day.isoformat()}"
            for day, address in homes
        ]
        message = await queue_notification(
            session,
            kind="gas_electric_checks_due",
            channel="email",
            recipient=recipient,
            subject=f"{due} gas safety checks overdue or due within {due_days} days",
            body="\n".join(lines) + _more(due),
            personalisation={"count": str(due), "days": str(due_days)},
            dedupe_key=f"gas_electric:due:{on.isoformat()}",
        )
        queued += message is not None
    return ReminderOutcome(stalled_jobs=stalled, homes_due=due, queued=queued)
