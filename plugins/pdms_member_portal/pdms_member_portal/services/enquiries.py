"""Submitting an enquiry: a case with a demand of its service area, or a demand on an
existing case it is attached to; and the "before you submit" look-up."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    DemandFields,
    NewParty,
    NotFound,
    PersonFields,
    UserErrors,
    ValidationFailed,
    add_demand,
    add_working_days,
    core_tables,
    create_person,
    open_case,
    restrict,
)
from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_member_portal.lists import ENQUIRY_TYPE, MODULE, SERVICE_AREA
from pdms_member_portal.models import SUBJECT_LENGTH, TEXT_LENGTH, Enquiry, Reach
from pdms_member_portal.services import clock, history, notify
from pdms_member_portal.services.codes import response_days, value
from pdms_member_portal.services.members import check_contact_method, member_of

PLACE = core_tables.place
PERSON = core_tables.person
CASE = core_tables.case_record
CASE_PLACE = core_tables.case_place
CASE_PARTY = core_tables.case_party
STATUS = core_tables.lookup_value


@dataclass
class NewResident:
    forenames: str
    surname: str


@dataclass
class NewEnquiry:
    service_area: str
    enquiry_type: str
    subject: str
    details: str = ""
    person_id: int | None = None
    new_resident: NewResident | None = None
    resident_consent: bool = False
    place_id: int | None = None
    uprn: int | None = None
    contact_method: str | None = None
    attach_to_case_id: int | None = None


@dataclass(frozen=True)
class ExistingCase:
    case_id: int
    reference: str
    module: str
    status: str
    opened_on: Any
    at_place: bool
    for_person: bool


async def find_place(
    session: AsyncSession, place_id: int | None, uprn: int | None
) -> tuple[int | None, float | None, float | None]:
    columns = (PLACE.c.id, PLACE.c.latitude, PLACE.c.longitude)
    if place_id is not None:
        row = (await session.execute(select(*columns).where(PLACE.c.id == place_id))).first()
        if row is None:
            raise NotFound("There is no such place.", field="placeId")
        return tuple(row)  # type: ignore[return-value]
    if uprn is not None:
        row = (await session.execute(select(*columns).where(PLACE.c.uprn == uprn))).first()
        if row is None:
            raise NotFound("No place has that UPRN.", field="uprn")
        return tuple(row)  # type: ignore[return-value]
    return None, None, None


async def existing_cases(
    session: AsyncSession, *, place_id: int | None, person_id: int | None, limit: int = 50
) -> list[ExistingCase]:
    """Open cases of every module at the place or with the person as a party, newest
    first: one statement, so the member sees what the council already knows."""
    if place_id is None and person_id is None:
        return []
    at_place = exists().where(CASE_PLACE.c.case_id == CASE.c.id, CASE_PLACE.c.place_id == place_id)
    for_person = exists().where(
        CASE_PARTY.c.case_id == CASE.c.id, CASE_PARTY.c.person_id == person_id
    )
    rows = await session.execute(
        select(
            CASE.c.id,
            CASE.c.reference,
            CASE.c.module,
            STATUS.c.label,
            CASE.c.opened_on,
            at_place.label("at_place"),
            for_person.label("for_person"),
        )
        .join(STATUS, STATUS.c.id == CASE.c.status_id)
        .where(CASE.c.closed_on.is_(None), or_(at_place, for_person))
        .order_by(CASE.c.opened_on.desc(), CASE.c.id.desc())
        .limit(limit)
    )
    return [ExistingCase(*row) for row in rows]


async def _resident(session: AsyncSession, actor: Actor, new: NewEnquiry) -> int | None:
    if new.person_id is not None and new.new_resident is not None:
        raise ValidationFailed("Give a known resident or a new one, not both.", field="resident")
    if new.person_id is not None:
        if await session.scalar(select(PERSON.c.id).where(PERSON.c.id == new.person_id)) is None:
            raise NotFound("There is no such person.", field="personId")
        return new.person_id
    if new.new_resident is not None:
        person = await create_person(
            session,
            SYSTEM,
            PersonFields(forenames=new.new_resident.forenames, surname=new.new_resident.surname),
        )
        return person.id
    return None


def _text(given: str | None, limit: int, field: str, errors: list, required: str = "") -> str:
    text = (given or "").strip()
    if required and not text:
        errors.append(ValidationFailed(required, field=field))
    if len(text) > limit:
        errors.append(ValidationFailed(f"At most {limit} characters.", field=field))
    return text


async def _attach(session: AsyncSession, case_id: int, area_code: str, details: str, on: Any):
    """The open case to attach to, and the demand added to it (None when the case is
    another module's: demand types are per module)."""
    row = (
        await session.execute(
            select(CASE.c.id, CASE.c.reference, CASE.c.module, CASE.c.closed_on).where(
                CASE.c.id == case_id
            )
        )
    ).first()
    if row is None:
        raise NotFound("There is no such case.", field="attachToCaseId")
    if row.closed_on is not None:
        raise ValidationFailed("That case is closed; raise a new enquiry.", field="attachToCaseId")
    demand = None
    if row.module == MODULE:
        version = await session.scalar(
            select(core_tables.case_record.c.version).where(CASE.c.id == case_id)
        )
        demand = await add_demand(
            session,
            SYSTEM,
            case_id=case_id,
            expected_version=version,
            fields=DemandFields(
                type_code=area_code, nature="value", description=details, received_on=on
            ),
        )
    count = await session.scalar(select(func.count()).where(Enquiry.case_id == case_id))
    return row.id, f"{row.reference}/{count + 1}", demand


async def submit_enquiry(
    session: AsyncSession,
    actor: Actor,
    new: NewEnquiry,
    *,
    known_modules: Collection[str],
) -> Enquiry:
    """A member raises an enquiry; the member is acknowledged by email at once and the
    council's acknowledgement is due by the next working day."""
    member = await member_of(session, actor)
    errors: list = []
    subject = _text(new.subject, SUBJECT_LENGTH, "subject", errors, "Enter a subject.")
    details = _text(new.details, TEXT_LENGTH, "details", errors)
    method = member.contact_method
    if new.contact_method:
        try:
            method = check_contact_method(new.contact_method)
        except ValidationFailed as error:
            errors.append(error)
    if (new.person_id is not None or new.new_resident is not None) and not new.resident_consent:
        errors.append(
            ValidationFailed(
                "Confirm the resident agreed to the council using their details.",
                field="residentConsent",
            )
        )
    if errors:
        raise UserErrors(errors)
    area = await value(
        session, SERVICE_AREA, new.service_area, field="serviceArea", what="service area"
    )
    kind = await value(
        session, ENQUIRY_TYPE, new.enquiry_type, field="enquiryType", what="enquiry type"
    )
    place_id, latitude, longitude = await find_place(session, new.place_id, new.uprn)
    person_id = await _resident(session, actor, new)
    at = clock.now()
    on = clock.local_date(at)
    if new.attach_to_case_id is not None:
        case_id, reference, demand = await _attach(
            session, new.attach_to_case_id, area.code, details, on
        )
    else:
        case = await open_case(
            session,
            SYSTEM,
            module=MODULE,
            known_modules=known_modules,
            summary=f"Member enquiry: {subject}",
            opened_on=on,
            parties=[NewParty(person_id, "subject")] if person_id else [],
            place_ids=[place_id] if place_id else [],
        )
        demand = await add_demand(
            session,
            SYSTEM,
            case_id=case.id,
            expected_version=case.version,
            fields=DemandFields(
                type_code=area.code, nature="value", description=details, received_on=on
            ),
        )
        case_id, reference = case.id, case.reference
    enquiry = Enquiry(
        reference=reference,
        member_id=member.id,
        member_user_id=member.user_id,
        ward_id=member.ward_id,
        service_area_id=area.id,
        enquiry_type_id=kind.id,
        subject=subject,
        details=details,
        person_id=person_id,
        resident_consent=bool(new.resident_consent),
        place_id=place_id,
        latitude=latitude,
        longitude=longitude,
        contact_method=method,
        status="new",
        case_id=case_id,
        demand_id=demand.id if demand else None,
        attached=new.attach_to_case_id is not None,
        submitted_at=at,
        submitted_on=on,
        acknowledge_by=add_working_days(on, 1),
        due_on=add_working_days(on, response_days(area)),
        updated_at=at,
    )
    session.add(enquiry)
    await session.flush()
    session.add(Reach(enquiry_id=enquiry.id, user_id=member.user_id))
    history.record(session, actor, enquiry, "submitted", at=at, text=subject)
    await notify.received(session, enquiry, member)
    await session.flush()
    return enquiry


async def enquiries_by_holder(
    session: AsyncSession, actor: Actor, column: Any, keys: Sequence[int]
) -> Mapping[int, Sequence[Enquiry]]:
    statement = restrict(
        select(Enquiry).where(column.in_(keys)).order_by(Enquiry.id), Enquiry, actor
    )
    found: dict[int, list[Enquiry]] = {}
    for enquiry in await session.scalars(statement):
        found.setdefault(getattr(enquiry, column.key), []).append(enquiry)
    return found


async def enquiries_by_place(session: AsyncSession, actor: Actor, place_ids: Sequence[int]):
    return await enquiries_by_holder(session, actor, Enquiry.place_id, place_ids)


async def enquiries_by_person(session: AsyncSession, actor: Actor, person_ids: Sequence[int]):
    return await enquiries_by_holder(session, actor, Enquiry.person_id, person_ids)
