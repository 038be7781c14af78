"""Messages through core's outbox, queued in the same transaction as the change.

Members are written to at the email on their member record; officers at their staff
account's email. Every message has a dedupe key, so a retried command or a repeated
click never sends the same message twice.
"""

from __future__ import annotations

from datetime import date

from pdms_core.plugin import british_date, core_tables, queue_notification
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.models import Enquiry, Member

STAFF = core_tables.staff_user


async def staff_email(session: AsyncSession, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    # The sign-in email is the officer's work address; no other column holds one.
    return await session.scalar(
        select(STAFF.c.email).where(STAFF.c.id == user_id, STAFF.c.is_active.is_(True))
    )


def _fields(enquiry: Enquiry) -> dict[str, str]:
    return {
        "reference": enquiry.reference,
        "subject": enquiry.subject,
        "due_on": british_date(enquiry.due_on),
    }


async def received(session: AsyncSession, enquiry: Enquiry, member: Member) -> None:
    await queue_notification(
        session,
        kind="member_portal_acknowledgement",
        channel="email",
        recipient=member.email,
        personalisation=_fields(enquiry),
        subject=f"Enquiry {enquiry.reference} received",
        body=f'We have your enquiry {enquiry.reference}, "{enquiry.subject}". '
        f"The service area will respond by {british_date(enquiry.due_on)}.",
        dedupe_key=f"member_portal:acknowledgement:{enquiry.id}",
    )


async def assigned(session: AsyncSession, enquiry: Enquiry, assignment: int) -> None:
    email = await staff_email(session, enquiry.lead_officer_id)
    if not email:
        return
    await queue_notification(
        session,
        kind="member_portal_assigned",
        channel="email",
        recipient=email,
        personalisation=_fields(enquiry),
        subject=f"Member enquiry {enquiry.reference} assigned to you",
        body=f"You lead the response to member enquiry {enquiry.reference}, "
        f'"{enquiry.subject}". It is due by {british_date(enquiry.due_on)}.',
        dedupe_key=f"member_portal:assigned:{enquiry.id}:{assignment}",
    )


async def responded(session: AsyncSession, enquiry: Enquiry, email: str, entry_id: int) -> None:
    await queue_notification(
        session,
        kind="member_portal_response",
        channel="email",
        recipient=email,
        personalisation=_fields(enquiry),
        subject=f"Response to your enquiry {enquiry.reference}",
        body=f"There is a response to your enquiry {enquiry.reference}, "
        f'"{enquiry.subject}". Sign in to the member portal to read it.',
        dedupe_key=f"member_portal:response:{enquiry.id}:{entry_id}",
    )


async def update_requested(session: AsyncSession, enquiry: Enquiry) -> None:
    email = await staff_email(session, enquiry.lead_officer_id)
    if not email:
        return
    await queue_notification(
        session,
        kind="member_portal_update_requested",
        channel="email",
        recipient=email,
        personalisation=_fields(enquiry),
        subject=f"Member asks for an update on {enquiry.reference}",
        body=f'The member who raised {enquiry.reference}, "{enquiry.subject}", has asked '
        f"for an update. It is due by {british_date(enquiry.due_on)}.",
        dedupe_key=f"member_portal:update:{enquiry.id}:{enquiry.update_requests}",
    )


async def deadline(session: AsyncSession, enquiry: Enquiry, on: date) -> bool:
    email = await staff_email(session, enquiry.lead_officer_id)
    if not email:
        return False
    overdue = enquiry.due_on < on
    word = "is overdue" if overdue else f"is due by {british_date(enquiry.due_on)}"
    queued = await queue_notification(
        session,
        kind="member_portal_deadline",
        channel="email",
        recipient=email,
        personalisation=_fields(enquiry),
        subject=f"Member enquiry {enquiry.reference} {word}",
        body=f'Member enquiry {enquiry.reference}, "{enquiry.subject}", {word} '
        "and has no response yet.",
        dedupe_key=f"member_portal:deadline:{enquiry.id}:{on.isoformat()}",
    )
    return queued is not None


async def digest(session: AsyncSession, email: str, on: date, lines: list[str]) -> bool:
    queued = await queue_notification(
        session,
        kind="member_portal_digest",
        channel="email",
        recipient=email,
        personalisation={"date": british_date(on)},
        subject=f"Member enquiries on {british_date(on)}",
        body="\n".join(lines),
        dedupe_key=f"member_portal:digest:{on.isoformat()}",
    )
    return queued is not None
