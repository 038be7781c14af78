"""The daily run (``pdms member_portal daily``): close enquiries whose follow-up window
has passed, warn lead officers of deadlines, and send the co-ordinators' digest.

Each part is safe to run twice on a day: closing looks at the status, and the
messages carry a dedupe key with the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pdms_core.plugin import SYSTEM, add_working_days
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.models import OPEN_STATUSES, Enquiry
from pdms_member_portal.services import notify
from pdms_member_portal.services.coordination import _close


@dataclass(frozen=True)
class DailyRun:
    closed: int
    warned: int
    digest_sent: bool

    def __str__(self) -> str:
        digest = "digest queued" if self.digest_sent else "no digest"
        return f"member_portal: {self.closed} closed, {self.warned} deadline warnings, {digest}"


async def close_due(session: AsyncSession, on: date) -> int:
    due = await session.scalars(
        select(Enquiry).where(Enquiry.status == "responded", Enquiry.closes_on <= on)
    )
    count = 0
    for enquiry in due:
        _close(SYSTEM, session, enquiry, "Closed after the follow-up period.")
        count += 1
    await session.flush()
    return count


async def warn_deadlines(session: AsyncSession, on: date, warning_days: int) -> int:
    """Lead officers of open enquiries due within ``warning_days`` working days (or
    overdue) get one warning a day."""
    horizon = add_working_days(on, warning_days)
    rows = await session.scalars(
        select(Enquiry).where(
            Enquiry.status.in_(OPEN_STATUSES),
            Enquiry.lead_officer_id.is_not(None),
            Enquiry.due_on <= horizon,
        )
    )
    warned = 0
    for enquiry in rows:
        warned += await notify.deadline(session, enquiry, on)
    return warned


async def send_digest(session: AsyncSession, on: date, email: str) -> bool:
    if not email:
        return False
    by_status = dict(
        (await session.execute(select(Enquiry.status, func.count()).group_by(Enquiry.status))).all()
    )
    is_open = Enquiry.status.in_(OPEN_STATUSES)
    overdue = await session.scalar(select(func.count()).where(is_open, Enquiry.due_on < on))
    due_today = await session.scalar(select(func.count()).where(is_open, Enquiry.due_on == on))
    lines = [
        f"New, not yet assigned: {by_status.get('new', 0)}",
        "In progress: "
        f"{sum(by_status.get(s, 0) for s in ('acknowledged', 'in_progress', 'reopened'))}",
        f"Responded, open for follow-up: {by_status.get('responded', 0)}",
        f"Overdue: {overdue}",
        f"Due today: {due_today}",
    ]
    return await notify.digest(session, email, on, lines)


async def run_daily(
    session: AsyncSession, on: date, *, warning_days: int, coordinators_email: str
) -> DailyRun:
    closed = await close_due(session, on)
    warned = await warn_deadlines(session, on, warning_days)
    sent = await send_digest(session, on, coordinators_email)
    return DailyRun(closed, warned, sent)
