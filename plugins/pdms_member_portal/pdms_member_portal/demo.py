"""Demo data (``pdms demo seed``): the demo council's elected members, a co-ordinator,
officers and member enquiries in every state, over the last two months.

Everything is fictional and follows from the seed. Each enquiry opens a case of this
module with a value demand of its service area, as a submitted enquiry does.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import UTC, datetime, time, timedelta
from typing import Any

from pdms_core.plugin import (
    SYSTEM,
    DemandFields,
    NewParty,
    add_demand,
    add_working_days,
    core_tables,
    is_working_day,
    lookup_values,
    open_case,
    today,
    unit_of_work,
    working_days_between,
)
from sqlalchemy import insert, select

from pdms_member_portal.lists import ENQUIRY_TYPE, MODULE, SERVICE_AREA, WARD
from pdms_member_portal.models import Enquiry, Entry, Member, Officer, Reach
from pdms_member_portal.services.codes import response_days

SIZES = {"small": 120, "county": 1500}
STAFF = core_tables.staff_user
MEMBER_NAMES = [
    "Cllr Ada Fernleigh",
    "Cllr Basil Thornbury",
    "Cllr Cora Mistlebrook",
    "Cllr Dev Harrowgate",
    "Cllr Edna Quillfeather",
    "Cllr Felix Oakhampstead",
    "Cllr Gita Lowbridge",
    "Cllr Hal Pennywhistle",
    "Cllr Iris Wendlebury",
    "Cllr Jonah Saltmarsh",
]
OFFICER_NAMES = ["Kit Ledger", "Lena Marsh", "Milo Fenwick", "Nia Rookwood", "Omar Tilbury"]
SUBJECTS = [
    "Pothole outside the school gates",
    "Missed bin collection three weeks running",
    "Overgrown hedge blocking the footpath",
    "Damp and mould in a council flat",
    "Streetlight out on the corner",
    "Planning notice not displayed",
    "Care assessment delayed",
    "School transport place refused",
    "Council tax bill sent to the wrong address",
    "Noise from a late-night takeaway",
]
# Final states and their weights: every state appears in the demo.
STATES = {
    "new": 15,
    "acknowledged": 15,
    "in_progress": 20,
    "responded": 20,
    "closed": 25,
    "reopened": 5,
}


async def _staff(session: Any, name: str, domain: str) -> int:
    email = name.lower().replace("cllr ", "").replace(" ", ".") + f"@{domain}.example"
    existing = await session.scalar(select(STAFF.c.id).where(STAFF.c.email_key == email))
    if existing is not None:
        return existing
    # Demo accounts without a password: an administrator invites them to sign in.
    result = await session.execute(
        insert(STAFF).values(
            email=email, email_key=email, display_name=name, is_active=True, version=1
        )
    )
    return result.inserted_primary_key[0]


def _working_day_before(day: Any) -> Any:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


async def seed_enquiries(
    database: Any, size: str, seed: int, known_modules: Collection[str]
) -> str:
    rng = random.Random(seed * 7919 + 21)
    count = SIZES.get(size, SIZES["small"])
    async with unit_of_work(database.sessionmaker) as session:
        areas = await lookup_values(session, SERVICE_AREA)
        kinds = await lookup_values(session, ENQUIRY_TYPE)
        wards = await lookup_values(session, WARD)
        if not (areas and kinds and wards):
            return "member_portal: lists not synced, no enquiries added"
        # Residents with the home they had moved into by then: an enquiry about a
        # person at a place names their own home, as the demo's histories hold together.
        homes = core_tables.person_address
        people = (
            await session.execute(
                select(homes.c.person_id, homes.c.place_id, homes.c.from_date).limit(5000)
            )
        ).all()
        places = (
            await session.execute(
                select(
                    core_tables.place.c.id,
                    core_tables.place.c.latitude,
                    core_tables.place.c.longitude,
                ).limit(5000)
            )
        ).all()
        members = []
        for index, name in enumerate(MEMBER_NAMES):
            user_id = await _staff(session, name, "members.council")
            member = Member(
                user_id=user_id,
                ward_id=wards[index % len(wards)].id,
                email=f"member{index + 1}@members.council.example",
                contact_method="email",
            )
            session.add(member)
            members.append(member)
        await _staff(session, "Priya Coordinator", "council")
        officers = [await _staff(session, name, "council") for name in OFFICER_NAMES]
        await session.flush()
        states: dict[str, int] = {}
        for _ in range(count):
            state = rng.choices(list(STATES), list(STATES.values()))[0]
            states[state] = states.get(state, 0) + 1
            await _one(
                session, rng, state, members, officers, areas, kinds, people, places, known_modules
            )
    spread = ", ".join(f"{states.get(s, 0)} {s}" for s in STATES)
    return f"member_portal: {len(MEMBER_NAMES)} members, {count} enquiries ({spread})"


async def _one(session, rng, state, members, officers, areas, kinds, people, places, known):  # type: ignore[no-untyped-def]
    member = rng.choice(members)
    area = rng.choice(areas)
    on = _working_day_before(today() - timedelta(days=rng.randint(0 if state == "new" else 3, 60)))
    at = datetime.combine(on, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)
    place = rng.choice(places) if places and rng.random() < 0.9 else None
    person_id = None
    if people and rng.random() < 0.8:
        home = rng.choice(people)
        if home.from_date is not None and home.from_date <= on:
            person_id = home.person_id
            place = next((p for p in places if p.id == home.place_id), None)
    subject = rng.choice(SUBJECTS)
    case = await open_case(
        session,
        SYSTEM,
        module=MODULE,
        known_modules=known,
        summary=f"Member enquiry: {subject}",
        opened_on=on,
        parties=[NewParty(person_id, "subject")] if person_id else [],
        place_ids=[place.id] if place else [],
    )
    demand = await add_demand(
        session,
        SYSTEM,
        case_id=case.id,
        expected_version=case.version,
        fields=DemandFields(type_code=area.code, nature="value", received_on=on),
    )
    due = add_working_days(on, response_days(area))
    enquiry = Enquiry(
        reference=case.reference,
        member_id=member.id,
        member_user_id=member.user_id,
        ward_id=member.ward_id,
        service_area_id=area.id,
        enquiry_type_id=rng.choice(kinds).id,
        subject=subject,
        details="Raised at a ward surgery on behalf of a resident.",
        person_id=person_id,
        resident_consent=person_id is not None,
        place_id=place.id if place else None,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        contact_method=member.contact_method,
        status=state,
        case_id=case.id,
        demand_id=demand.id,
        submitted_at=at,
        submitted_on=on,
        acknowledge_by=add_working_days(on, 1),
        due_on=due,
        updated_at=at,
    )
    session.add(enquiry)
    await session.flush()
    session.add(Reach(enquiry_id=enquiry.id, user_id=member.user_id))
    entries = [
        Entry(enquiry_id=enquiry.id, at=at, kind="submitted", member_visible=True, text=subject)
    ]
    if state != "new":
        lead = rng.choice(officers)
        enquiry.lead_officer_id = lead
        enquiry.acknowledged_at = at + timedelta(hours=rng.randint(1, 20))
        session.add(Officer(enquiry_id=enquiry.id, user_id=lead, is_lead=True))
        session.add(Reach(enquiry_id=enquiry.id, user_id=lead))
        entries.append(Entry(enquiry_id=enquiry.id, at=enquiry.acknowledged_at, kind="assigned"))
    if state in ("responded", "closed", "reopened"):
        days = max(1, int(rng.triangular(1, 18, 7)))
        responded_on = min(add_working_days(on, days), _working_day_before(today()))
        enquiry.responded_on = max(responded_on, on)
        enquiry.responded_at = datetime.combine(enquiry.responded_on, time(15), tzinfo=UTC)
        enquiry.response_working_days = working_days_between(on, enquiry.responded_on)
        entries.append(
            Entry(
                enquiry_id=enquiry.id,
                at=enquiry.responded_at,
                kind="response",
                member_visible=True,
                text="The service area has looked into this and replied to the resident.",
            )
        )
        if state == "responded":
            enquiry.closes_on = add_working_days(today(), 3)
        if state == "closed":
            enquiry.closed_at = enquiry.responded_at + timedelta(days=7)
    if state == "in_progress":
        entries.append(
            Entry(
                enquiry_id=enquiry.id,
                at=at + timedelta(days=1),
                kind="note",
                text="Site visit booked.",
            )
        )
    session.add_all(entries)
