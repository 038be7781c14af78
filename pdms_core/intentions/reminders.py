"""Queueing reminders for intentions that are due soon or overdue.

Safe to run as often as cron likes: each reminder has a dedupe key (intention, kind,
due date), so a second run the same day queues nothing new, and moving the due date
earns a fresh reminder. Messages name the case reference and the follow-up type only,
never the people involved: email is not a safe place for personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.inbox import assignee_email
from pdms_core.cases.models import CaseRecord
from pdms_core.intentions.queries import DUE_SOON, OVERDUE, open_intentions_due_by
from pdms_core.lookups.models import LookupValue
from pdms_core.notifications.outbox import queue_message
from pdms_core.standards.working_days import add_working_days


@dataclass
class ReminderRun:
    """What one run did."""

    queued: int = 0
    already_queued: int = 0
    no_recipient: int = 0


async def queue_reminders(
    session: AsyncSession, as_of: date, due_soon_days: int = 2
) -> ReminderRun:
    """Queue one reminder per open intention overdue or due within ``due_soon_days``."""
    run = ReminderRun()
    for intention in await open_intentions_due_by(session, add_working_days(as_of, due_soon_days)):
        kind = OVERDUE if intention.due_on < as_of else DUE_SOON
        recipient = await assignee_email(session, intention.officer_id, intention.team_id)
        if recipient is None:
            run.no_recipient += 1
            continue
        kind_label = (await session.get(LookupValue, intention.type_id)).label
        state = "was due" if kind == OVERDUE else "is due"
        if intention.case_id is not None:
            case = await session.get(CaseRecord, intention.case_id)
            on_what, subject = f"on case {case.reference}", f"{case.reference}: {kind_label}"
        else:
            # No case reference to name, and a person's name must not travel by email.
            holder = "a person's record" if intention.person_id is not None else "a place"
            on_what, subject = f"on {holder}", f"Follow-up: {kind_label}"
        message = await queue_message(
            session,
            kind=f"intention_{kind}",
            recipient=recipient,
            subject=f"{subject} {state} {intention.due_on:%d %B %Y}",
            body=(
                f"The follow-up '{kind_label}' {on_what} {state} on "
                f"{intention.due_on:%A %d %B %Y}.\n\nOpen your follow-ups in PDMS to see "
                "the details."
            ),
            dedupe_key=f"intention:{intention.id}:{kind}:{intention.due_on.isoformat()}",
        )
        if message is None:
            run.already_queued += 1
        else:
            run.queued += 1
    return run
