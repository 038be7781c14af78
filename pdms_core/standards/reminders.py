"""Warnings against service standards: demands at risk or breached, cases due or overdue.

A demand is *at risk* from its warning date and *breached* after its due date. A case
(whose due date is its latest demand's) is *overdue* after its due date; it is warned
about only when none of its unresolved demands has breached (those warnings already
say so), which catches a case left open after its demands were dealt with. Only open,
unpaused cases count: a pause stops the clock, and the dates move on when the case
resumes. The case's officer is told, else its team's inbox. Like intention reminders,
each warning has a dedupe key (record, kind, due date), so cron may run this as often
as it likes, and messages name the case reference and the demand type only, never the
people involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.inbox import assignee_email
from pdms_core.cases.models import CaseRecord
from pdms_core.demands.models import Demand
from pdms_core.lookups.models import LookupValue
from pdms_core.notifications.outbox import queue_message

AT_RISK, BREACHED, OVERDUE = "at_risk", "breached", "overdue"
LIVE_CASE = (CaseRecord.closed_on.is_(None), CaseRecord.paused_since.is_(None))


@dataclass
class WarningRun:
    """What one run did, per record kind (``demand`` or ``case``)."""

    queued: dict[str, int] = field(default_factory=lambda: {"demand": 0, "case": 0})
    already_queued: int = 0
    no_recipient: int = 0


async def _send(
    session: AsyncSession,
    run: WarningRun,
    record: str,
    case: CaseRecord,
    *,
    kind: str,
    dedupe_key: str,
    subject: str,
    body: str,
) -> None:
    recipient = await assignee_email(session, case.officer_id, case.team_id)
    if recipient is None:
        run.no_recipient += 1
        return
    message = await queue_message(
        session,
        kind=f"{record}_{kind}",
        recipient=recipient,
        subject=subject,
        body=f"{body}\n\nOpen the case in PDMS to see the details.",
        dedupe_key=dedupe_key,
    )
    if message is None:
        run.already_queued += 1
    else:
        run.queued[record] += 1


async def _demand_warnings(session: AsyncSession, run: WarningRun, as_of: date) -> None:
    rows = await session.execute(
        select(Demand, CaseRecord, LookupValue.label)
        .join(CaseRecord, CaseRecord.id == Demand.case_id)
        .join(LookupValue, LookupValue.id == Demand.type_id)
        .where(
            *LIVE_CASE,
            Demand.resolved_on.is_(None),
            Demand.due_on.is_not(None),
            or_(Demand.due_on < as_of, Demand.warn_on <= as_of),
        )
        .order_by(Demand.due_on, Demand.id)
    )
    for demand, case, type_label in rows:
        kind = BREACHED if demand.due_on < as_of else AT_RISK
        state = "missed its service standard" if kind == BREACHED else "is at risk"
        await _send(
            session,
            run,
            "demand",
            case,
            kind=kind,
            dedupe_key=f"demand:{demand.id}:{kind}:{demand.due_on.isoformat()}",
            subject=f"{case.reference}: {type_label} {state} (due {demand.due_on:%d %B %Y})",
            body=(
                f"The '{type_label}' demand on case {case.reference} {state}: it is due "
                f"by {demand.due_on:%A %d %B %Y}."
            ),
        )


async def _case_warnings(session: AsyncSession, run: WarningRun, as_of: date) -> None:
    breached_demand = exists().where(
        Demand.case_id == CaseRecord.id, Demand.resolved_on.is_(None), Demand.due_on < as_of
    )
    cases = await session.scalars(
        select(CaseRecord)
        .where(*LIVE_CASE, CaseRecord.due_on < as_of, ~breached_demand)
        .order_by(CaseRecord.due_on, CaseRecord.id)
    )
    for case in cases:
        await _send(
            session,
            run,
            "case",
            case,
            kind=OVERDUE,
            dedupe_key=f"case:{case.id}:{OVERDUE}:{case.due_on.isoformat()}",
            subject=f"{case.reference}: the case was due {case.due_on:%d %B %Y}",
            body=(
                f"Case {case.reference} was due to be finished by {case.due_on:%A %d %B %Y} "
                "and is still open. Close it, or record why it stays open."
            ),
        )


async def queue_service_warnings(session: AsyncSession, as_of: date) -> WarningRun:
    """Queue one warning per demand at risk or breached and per case overdue."""
    run = WarningRun()
    await _demand_warnings(session, run, as_of)
    await _case_warnings(session, run, as_of)
    return run
