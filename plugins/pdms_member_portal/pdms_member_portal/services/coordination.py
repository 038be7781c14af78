"""Co-ordination: officers, re-routing, responses and notes, statuses, update requests
and linking enquiries about the same issue. Every change takes the version read."""

from __future__ import annotations

from collections.abc import Sequence

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    Conflict,
    DemandFields,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    add_demand,
    add_working_days,
    core_tables,
    expect_version,
    working_days_between,
)
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.access import sees_everything, user_id_of
from pdms_member_portal.lists import MODULE, SERVICE_AREA
from pdms_member_portal.models import TEXT_LENGTH, Enquiry, Member, Officer, Reach
from pdms_member_portal.permissions import COORDINATE
from pdms_member_portal.services import clock, history, notify
from pdms_member_portal.services.codes import response_days, value
from pdms_member_portal.services.history import get_enquiry

STAFF = core_tables.staff_user
CASE = core_tables.case_record


def _text(given: str, field: str, what: str) -> str:
    text = (given or "").strip()
    if not text:
        raise ValidationFailed(f"Enter the {what}.", field=field)
    if len(text) > TEXT_LENGTH:
        raise ValidationFailed(f"At most {TEXT_LENGTH} characters.", field=field)
    return text


async def _editable(
    session: AsyncSession, actor: Actor, enquiry_id: int, expected_version: int
) -> Enquiry:
    enquiry = await get_enquiry(session, actor, enquiry_id)
    expect_version(enquiry, expected_version)
    return enquiry


async def _staff(session: AsyncSession, user_id: int, field: str) -> int:
    found = await session.scalar(
        select(STAFF.c.id).where(STAFF.c.id == user_id, STAFF.c.is_active.is_(True))
    )
    if found is None:
        raise NotFound("There is no such active staff user.", field=field)
    return found


async def assign(
    session: AsyncSession,
    actor: Actor,
    enquiry_id: int,
    expected_version: int,
    *,
    lead_officer_id: int,
    additional_officer_ids: Sequence[int] = (),
) -> Enquiry:
    """Give the enquiry a lead officer and any number of others (any team); a new
    enquiry is acknowledged by it. The lead is told by email."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    if enquiry.status == "closed":
        raise ValidationFailed("The enquiry is closed; reopen it first.", field="id")
    await _staff(session, lead_officer_id, "leadOfficerId")
    others = sorted(set(additional_officer_ids) - {lead_officer_id})
    for index, user_id in enumerate(others):
        await _staff(session, user_id, f"additionalOfficerIds.{index}")
    at = clock.now()
    await session.execute(delete(Officer).where(Officer.enquiry_id == enquiry.id))
    await session.execute(
        delete(Reach).where(Reach.enquiry_id == enquiry.id, Reach.user_id != enquiry.member_user_id)
    )
    session.add_all(
        Reach(enquiry_id=enquiry.id, user_id=u)
        for u in (lead_officer_id, *others)
        if u != enquiry.member_user_id
    )
    session.add(Officer(enquiry_id=enquiry.id, user_id=lead_officer_id, is_lead=True))
    session.add_all(Officer(enquiry_id=enquiry.id, user_id=u, is_lead=False) for u in others)
    changed_lead = enquiry.lead_officer_id != lead_officer_id
    enquiry.lead_officer_id = lead_officer_id
    if enquiry.status == "new":
        enquiry.status, enquiry.acknowledged_at = "acknowledged", at
    names = await session.scalars(
        select(STAFF.c.display_name).where(STAFF.c.id.in_([lead_officer_id, *others]))
    )
    history.record(session, actor, enquiry, "assigned", at=at, text=", ".join(names))
    await session.flush()
    if changed_lead:
        await notify.assigned(session, enquiry, enquiry.version)
    return enquiry


async def acknowledge(
    session: AsyncSession, actor: Actor, enquiry_id: int, expected_version: int
) -> Enquiry:
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    if enquiry.status != "new":
        raise ValidationFailed("Only a new enquiry is acknowledged.", field="id")
    at = clock.now()
    enquiry.status, enquiry.acknowledged_at = "acknowledged", at
    history.record(session, actor, enquiry, "acknowledged", at=at)
    await session.flush()
    return enquiry


async def reroute(
    session: AsyncSession,
    actor: Actor,
    enquiry_id: int,
    expected_version: int,
    *,
    service_area: str,
    reason: str,
) -> Enquiry:
    """Send the enquiry to another service area, saying why; its deadline follows the
    new area's standard, counted from submission."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    reason = _text(reason, "reason", "reason for re-routing")
    area = await value(
        session, SERVICE_AREA, service_area, field="serviceArea", what="service area"
    )
    if area.id == enquiry.service_area_id:
        raise ValidationFailed(
            "The enquiry is already with that service area.", field="serviceArea"
        )
    enquiry.service_area_id = area.id
    enquiry.due_on = add_working_days(enquiry.submitted_on, response_days(area))
    history.record(
        session, actor, enquiry, "rerouted", at=clock.now(), text=f"{area.label}: {reason}"
    )
    await session.flush()
    return enquiry


async def add_note(
    session: AsyncSession, actor: Actor, enquiry_id: int, expected_version: int, text: str
) -> Enquiry:
    """An internal note: officers and co-ordinators see it, the member does not."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    text = _text(text, "text", "note")
    if enquiry.status == "acknowledged":
        enquiry.status = "in_progress"
    history.record(session, actor, enquiry, "note", at=clock.now(), text=text, member_visible=False)
    await session.flush()
    return enquiry


async def _answer(
    session: AsyncSession, actor: Actor, enquiry: Enquiry, text: str, settings: object
) -> None:
    at = clock.now()
    on = clock.local_date(at)
    if enquiry.responded_at is None:
        enquiry.responded_at, enquiry.responded_on = at, on
        enquiry.response_working_days = working_days_between(enquiry.submitted_on, on)
    enquiry.status = "responded"
    enquiry.closes_on = add_working_days(on, settings.follow_up_days)  # type: ignore[attr-defined]
    entry = history.record(session, actor, enquiry, "response", at=at, text=text)
    await session.flush()
    email = await session.scalar(select(Member.email).where(Member.id == enquiry.member_id))
    if email:
        await notify.responded(session, enquiry, email, entry.id)


async def respond(
    session: AsyncSession,
    actor: Actor,
    enquiry_id: int,
    expected_version: int,
    text: str,
    *,
    settings: object,
) -> Enquiry:
    """A response the member sees; it answers every enquiry linked to this one too.
    The enquiry stays open for follow-ups for the configured working days."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    text = _text(text, "text", "response")
    if enquiry.status == "closed":
        raise ValidationFailed("The enquiry is closed; reopen it first.", field="id")
    await _answer(session, actor, enquiry, text, settings)
    linked = await session.scalars(
        select(Enquiry).where(Enquiry.linked_to_id == enquiry.id, Enquiry.status != "closed")
    )
    for other in linked:
        await _answer(session, actor, other, text, settings)
    await session.flush()
    return enquiry


async def close(
    session: AsyncSession, actor: Actor, enquiry_id: int, expected_version: int, reason: str = ""
) -> Enquiry:
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    if enquiry.status == "closed":
        raise ValidationFailed("The enquiry is already closed.", field="id")
    _close(actor, session, enquiry, (reason or "").strip()[:TEXT_LENGTH])
    await session.flush()
    return enquiry


def _close(actor: Actor, session: AsyncSession, enquiry: Enquiry, reason: str) -> None:
    at = clock.now()
    enquiry.status, enquiry.closed_at, enquiry.closes_on = "closed", at, None
    history.record(session, actor, enquiry, "closed", at=at, text=reason)


def _own_or_coordinator(actor: Actor, enquiry: Enquiry) -> None:
    if enquiry.member_user_id == user_id_of(actor):
        return
    if actor.has(COORDINATE) and sees_everything(actor):
        return
    raise PermissionDenied("Only the member who raised it or a co-ordinator can.", field="id")


async def reopen(
    session: AsyncSession, actor: Actor, enquiry_id: int, expected_version: int, reason: str
) -> Enquiry:
    """A follow-up: the member (or a co-ordinator) reopens a responded or closed enquiry."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    _own_or_coordinator(actor, enquiry)
    reason = _text(reason, "reason", "reason for reopening")
    if enquiry.status not in ("responded", "closed"):
        raise ValidationFailed("Only a responded or closed enquiry is reopened.", field="id")
    enquiry.status, enquiry.closed_at, enquiry.closes_on = "reopened", None, None
    history.record(session, actor, enquiry, "reopened", at=clock.now(), text=reason)
    await session.flush()
    return enquiry


async def request_update(
    session: AsyncSession, actor: Actor, enquiry_id: int, expected_version: int, note: str = ""
) -> Enquiry:
    """The member chases: failure demand on the enquiry's case, and the lead is told."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    if enquiry.member_user_id != user_id_of(actor):
        raise PermissionDenied("Only the member who raised it can ask for an update.", field="id")
    if enquiry.status == "closed":
        raise ValidationFailed("The enquiry is closed; reopen it instead.", field="id")
    note = (note or "").strip()[:TEXT_LENGTH]
    at = clock.now()
    case = (
        await session.execute(
            select(CASE.c.module, CASE.c.version, CASE.c.closed_on).where(
                CASE.c.id == enquiry.case_id
            )
        )
    ).first()
    if case is not None and case.module == MODULE and case.closed_on is None:
        area_code = await session.scalar(
            select(core_tables.lookup_value.c.code).where(
                core_tables.lookup_value.c.id == enquiry.service_area_id
            )
        )
        await add_demand(
            session,
            SYSTEM,
            case_id=enquiry.case_id,
            expected_version=case.version,
            fields=DemandFields(
                type_code=area_code,
                nature="failure",
                description=note or "Member asked for an update.",
                received_on=clock.local_date(at),
            ),
        )
    enquiry.update_requests += 1
    history.record(session, actor, enquiry, "update_requested", at=at, text=note)
    await session.flush()
    await notify.update_requested(session, enquiry)
    return enquiry


async def link(
    session: AsyncSession,
    actor: Actor,
    enquiry_id: int,
    expected_version: int,
    *,
    to_enquiry_id: int,
) -> Enquiry:
    """Link an enquiry to another about the same issue: the other's responses answer it."""
    enquiry = await _editable(session, actor, enquiry_id, expected_version)
    target = await get_enquiry(session, actor, to_enquiry_id, field="toId")
    if target.linked_to_id is not None:
        target = await get_enquiry(session, actor, target.linked_to_id, field="toId")
    if target.id == enquiry.id:
        raise ValidationFailed("An enquiry cannot be linked to itself.", field="toId")
    if await session.scalar(select(Enquiry.id).where(Enquiry.linked_to_id == enquiry.id).limit(1)):
        raise Conflict("Other enquiries are linked to this one; link them instead.", field="id")
    enquiry.linked_to_id = target.id
    history.record(
        session, actor, enquiry, "linked", at=clock.now(), text=f"Answered with {target.reference}"
    )
    await session.flush()
    return enquiry
