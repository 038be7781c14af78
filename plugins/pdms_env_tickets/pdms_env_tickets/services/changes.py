"""Changing tickets: status, team, notes, notices, batches done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    ErrorCode,
    NotFound,
    UserError,
    ValidationFailed,
    change_case_status,
    core_tables,
    expect_version,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_env_tickets.lists import (
    ABANDONED_VEHICLE,
    DEFAULT_CASE_OUTCOME,
    MODULE,
    REOPENED_CASE_STATUS,
    STATUS,
)
from pdms_env_tickets.models import Ticket
from pdms_env_tickets.services import history
from pdms_env_tickets.services.codes import is_closed, value
from pdms_env_tickets.services.tickets import get_ticket, notice_expiry

TEAM = core_tables.team
LOOKUP = core_tables.lookup_value
CASE = core_tables.case_record
MAX_BATCH = 500
NOTE_LENGTH = 4000


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationFailed(f"A note is at most {NOTE_LENGTH} characters.", field="note")
    return note


async def _label(session: AsyncSession, value_id: int) -> str:
    return await session.scalar(select(LOOKUP.c.code).where(LOOKUP.c.id == value_id)) or ""


async def follow_case(session: AsyncSession, ticket: Ticket, status: Any) -> None:
    """Close the ticket's case with the outcome its closing status names (``case_status``,
    default resolved), move a closed case to a new outcome, or reopen it, through core's
    case status change (so core's rules apply: ``resolved`` refuses while follow-ups on
    the case are open). Statuses that keep the ticket open leave an open case alone."""
    if ticket.case_id is None:
        return
    row = (
        await session.execute(
            select(CASE.c.version, CASE.c.closed_on, LOOKUP.c.code)
            .join(LOOKUP, LOOKUP.c.id == CASE.c.status_id)
            .where(CASE.c.id == ticket.case_id)
        )
    ).one()
    if is_closed(status):
        target = (status.data or {}).get("case_status") or DEFAULT_CASE_OUTCOME
    elif row.closed_on is not None:
        target = REOPENED_CASE_STATUS
    else:
        return
    if target == row.code:
        return
    await change_case_status(
        session,
        SYSTEM,
        case_id=ticket.case_id,
        expected_version=row.version,
        status_code=target,
    )


async def set_status(
    session: AsyncSession,
    actor: Actor,
    *,
    ticket_id: int,
    expected_version: int,
    status_code: str,
    note: str = "",
    public: bool = True,
    duplicate_of_id: int | None = None,
) -> Ticket:
    """Move a ticket to a status of the council's workflow, with a note for the history
    (public notes are sent to reporting sites as the update's description)."""
    note = _note(note)
    ticket = await get_ticket(session, ticket_id)
    expect_version(ticket, expected_version)
    status = await value(session, STATUS, status_code, field="status", what="status")
    if status.id == ticket.status_id and not note:
        raise ValidationFailed("The ticket already has that status.", field="status")
    if duplicate_of_id is not None:
        if duplicate_of_id == ticket.id:
            raise ValidationFailed("A ticket cannot duplicate itself.", field="duplicateOfId")
        await get_ticket(session, duplicate_of_id, field="duplicateOfId")
        ticket.duplicate_of_id = duplicate_of_id
    old = await _label(session, ticket.status_id)
    now = history.now()
    ticket.status_id = status.id
    ticket.is_open = not is_closed(status)
    ticket.closed_at = None if ticket.is_open else (ticket.closed_at or now)
    ticket.updated_at = now
    history.record(
        session, actor, ticket, "status", old=old, new=status.code, note=note, public=public, at=now
    )
    await session.flush()
    await follow_case(session, ticket, status)
    return ticket


async def add_note(
    session: AsyncSession, actor: Actor, *, ticket_id: int, note: str, public: bool = False
) -> Ticket:
    note = _note(note)
    if not note:
        raise ValidationFailed("Write the note.", field="note")
    ticket = await get_ticket(session, ticket_id, field="ticketId")
    now = history.now()
    ticket.updated_at = now
    history.record(session, actor, ticket, "note", note=note, public=public, at=now)
    await session.flush()
    return ticket


async def _team(session: AsyncSession, team_id: int | None) -> str:
    if team_id is None:
        return ""
    row = (
        await session.execute(
            select(TEAM.c.code, TEAM.c.module, TEAM.c.is_active).where(TEAM.c.id == team_id)
        )
    ).first()
    if row is None or not row.is_active or row.module not in (MODULE, "core"):
        raise NotFound("There is no such team for street reports.", field="teamId")
    return row.code


async def assign(
    session: AsyncSession, actor: Actor, *, ticket_ids: Sequence[int], team_id: int | None
) -> list[Ticket]:
    """Give tickets to a team (or to none): all of them or, on any error, none."""
    ids = list(dict.fromkeys(ticket_ids))
    if not ids:
        raise ValidationFailed("Choose at least one ticket.", field="ticketIds")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(f"At most {MAX_BATCH} tickets at once.", field="ticketIds")
    code = await _team(session, team_id)
    tickets = {t.id: t for t in await session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    if len(tickets) != len(ids):
        raise NotFound("There is no such ticket.", field="ticketIds")
    now = history.now()
    old_teams = {t.team_id for t in tickets.values()} - {None}
    names = {}
    if old_teams:
        rows = await session.execute(select(TEAM.c.id, TEAM.c.code).where(TEAM.c.id.in_(old_teams)))
        names = dict(rows.all())
    for ticket_id in ids:
        ticket = tickets[ticket_id]
        if ticket.team_id == team_id:
            continue
        history.record(
            session, actor, ticket, "assigned", old=names.get(ticket.team_id, ""), new=code, at=now
        )
        ticket.team_id, ticket.updated_at = team_id, now
    await session.flush()
    return [tickets[i] for i in ids]


async def complete_batch(
    session: AsyncSession,
    actor: Actor,
    *,
    ticket_ids: Sequence[int],
    status_code: str,
    note: str,
) -> list[Ticket]:
    """A crew's round done: every ticket to a closing status with one note."""
    note = _note(note)
    ids = list(dict.fromkeys(ticket_ids))
    if not ids or len(ids) > MAX_BATCH:
        raise ValidationFailed(f"Choose 1 to {MAX_BATCH} tickets.", field="ticketIds")
    status = await value(session, STATUS, status_code, field="status", what="status")
    if not is_closed(status):
        raise ValidationFailed("Choose a status that closes tickets.", field="status")
    tickets = {t.id: t for t in await session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    if len(tickets) != len(ids):
        raise NotFound("There is no such ticket.", field="ticketIds")
    shut = [i for i in ids if not tickets[i].is_open]
    if shut:
        raise UserError(
            f"{len(shut)} of the tickets are already closed.",
            field="ticketIds",
            code=ErrorCode.NOT_ALLOWED,
        )
    now = history.now()
    for ticket_id in ids:
        ticket = tickets[ticket_id]
        old = await _label(session, ticket.status_id)
        ticket.status_id, ticket.is_open, ticket.closed_at = status.id, False, now
        ticket.updated_at = now
        history.record(
            session,
            actor,
            ticket,
            "status",
            old=old,
            new=status.code,
            note=note,
            public=True,
            at=now,
        )
    await session.flush()
    for ticket_id in ids:
        await follow_case(session, tickets[ticket_id], status)
    return [tickets[i] for i in ids]


async def serve_notice(
    session: AsyncSession,
    actor: Actor,
    *,
    ticket_id: int,
    expected_version: int,
    served_at: datetime,
    dangerous: bool | None = None,
) -> Ticket:
    """Record the notice on an abandoned vehicle: its clock runs 7 days, or 24 hours when
    the vehicle is dangerous."""
    ticket = await get_ticket(session, ticket_id)
    expect_version(ticket, expected_version)
    form = await session.scalar(select(LOOKUP.c.data).where(LOOKUP.c.id == ticket.type_id))
    if (form or {}).get("form") != ABANDONED_VEHICLE:
        raise ValidationFailed("Notices are served on abandoned vehicles.", field="id")
    if served_at.tzinfo is None:
        raise ValidationFailed("Give the time with its offset.", field="servedAt")
    if dangerous is not None:
        ticket.dangerous = dangerous
    ticket.notice_served_at = served_at
    ticket.notice_expires_at = notice_expiry(served_at, ticket.dangerous)
    now = history.now()
    ticket.updated_at = now
    history.record(
        session, actor, ticket, "notice", new=ticket.notice_expires_at.isoformat(), at=now
    )
    await session.flush()
    return ticket
