"""Test support: lists, staff users (three members, a co-ordinator, two officers), a
resident and a place with an open core case, and helpers that act through GraphQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pdms_core.plugin import (
    SYSTEM,
    Actor,
    ActorKind,
    NewParty,
    core_tables,
    global_id,
    open_case,
    unit_of_work,
)
from pdms_core.testing.lookups import sync_declared_lookups
from sqlalchemy import insert

from pdms_member_portal.services import clock

MEMBER_PERMS = ("member_portal.enquiry.read", "member_portal.enquiry.submit")
COORDINATOR_PERMS = (
    "member_portal.enquiry.read",
    "member_portal.enquiry.read_all",
    "member_portal.enquiry.coordinate",
    "member_portal.enquiry.respond",
    "member_portal.enquiry.export",
    "member_portal.member.manage",
)
OFFICER_PERMS = ("member_portal.enquiry.read", "member_portal.enquiry.respond")
LAT, LON = 52.3000, -1.6000

ENQUIRY_FIELDS = """
  id reference status subject details version dueOn acknowledgeBy submittedAt
  respondedAt responseWorkingDays withinStandard closesOn updateRequests attached
  caseId personId placeId residentName linkedToId overdue
  serviceArea { code label directorate responseDays }
  enquiryType { code } division { code } raisedBy { name email }
  officers { name isLead }
  history { kind text memberVisible }
"""
SUBMIT = (
    "mutation($input: MemberPortalEnquiryInput!) { memberPortalSubmitEnquiry(input: $input) {"
    f" enquiry {{ {ENQUIRY_FIELDS} }} errors {{ code field message }} }} }}"
)
NODE = (
    f"query($id: ID!) {{ node(id: $id) {{ ... on MemberPortalEnquiry {{ {ENQUIRY_FIELDS} }} }} }}"
)


def user(user_id: int, name: str, permissions: tuple[str, ...]) -> Actor:
    """A signed-in staff user, as core's sign-in builds them (council-wide grants)."""
    perms = frozenset(permissions)
    return Actor(
        kind=ActorKind.USER,
        id=f"user:{user_id}",
        display_name=name,
        permissions=perms,
        global_permissions=perms,
    )


@dataclass
class World:
    member: Actor
    neighbour: Actor  # same ward as member
    other: Actor  # another ward
    coordinator: Actor
    officer: Actor
    officer2: Actor
    officer_id: str
    officer2_id: str
    person: str
    person_id: int
    place: str
    place_id: int
    uprn: str
    existing_case: str
    existing_reference: str


async def _staff(session: Any, name: str) -> int:
    email = name.lower().replace(" ", ".") + "@council.example"
    result = await session.execute(
        insert(core_tables.staff_user).values(
            email=email, email_key=email, display_name=name, is_active=True, version=1
        )
    )
    return result.inserted_primary_key[0]


async def build_world(db: Any, host: Any, graphql: Any) -> World:
    await sync_declared_lookups(db, host)
    async with unit_of_work(db.sessionmaker) as session:
        ids = {
            name: await _staff(session, name)
            for name in (
                "Ada Member",
                "Ned Neighbour",
                "Otto Other",
                "Cora Coordinator",
                "Olive Officer",
                "Oscar Officer",
            )
        }
        person = (
            await session.execute(
                insert(core_tables.person).values(forenames="Rita", surname="Resident", version=1)
            )
        ).inserted_primary_key[0]
        place = (
            await session.execute(
                insert(core_tables.place).values(
                    uprn=100099887766,
                    single_line_address="3 Imaginary Row, Testbury, TB2 2BB",
                    latitude=LAT,
                    longitude=LON,
                    version=1,
                )
            )
        ).inserted_primary_key[0]
        case = await open_case(
            session,
            SYSTEM,
            module="core",
            known_modules={"core"},
            summary="Noise nuisance",
            parties=[NewParty(person, "subject")],
            place_ids=[place],
        )
        existing = (case.id, case.reference)
    coordinator = user(ids["Cora Coordinator"], "Cora Coordinator", COORDINATOR_PERMS)
    for name, ward in (
        ("Ada Member", "north"),
        ("Ned Neighbour", "north"),
        ("Otto Other", "south"),
    ):
        email = name.lower().replace(" ", ".") + "@members.example"
        result = await graphql.as_actor(coordinator).execute(
            "mutation($input: MemberPortalMemberInput!) { memberPortalSetMember(input: $input) {"
            " member { id } errors { code field } } }",
            {"input": {"userId": global_id("StaffUser", ids[name]), "email": email, "ward": ward}},
        )
        assert result.ok()["memberPortalSetMember"]["errors"] == []
    return World(
        member=user(ids["Ada Member"], "Ada Member", MEMBER_PERMS),
        neighbour=user(ids["Ned Neighbour"], "Ned Neighbour", MEMBER_PERMS),
        other=user(ids["Otto Other"], "Otto Other", MEMBER_PERMS),
        coordinator=coordinator,
        officer=user(ids["Olive Officer"], "Olive Officer", OFFICER_PERMS),
        officer2=user(ids["Oscar Officer"], "Oscar Officer", OFFICER_PERMS),
        officer_id=global_id("StaffUser", ids["Olive Officer"]),
        officer2_id=global_id("StaffUser", ids["Oscar Officer"]),
        person=global_id("Person", person),
        person_id=person,
        place=global_id("Place", place),
        place_id=place,
        uprn="100099887766",
        existing_case=global_id("Case", existing[0]),
        existing_reference=existing[1],
    )


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


def fix_clock(monkeypatch: Any, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


async def submit(graphql: Any, actor: Actor, **given: Any) -> dict[str, Any]:
    given.setdefault("serviceArea", "highways")
    given.setdefault("enquiryType", "service_request")
    given.setdefault("subject", "Pothole outside number 3")
    result = await graphql.as_actor(actor).execute(SUBMIT, {"input": given})
    payload = result.ok()["memberPortalSubmitEnquiry"]
    return payload


async def submitted(graphql: Any, actor: Actor, **given: Any) -> dict[str, Any]:
    payload = await submit(graphql, actor, **given)
    assert payload["errors"] == [], payload["errors"]
    return payload["enquiry"]


async def change(graphql: Any, actor: Actor, mutation: str, args: str, **variables: Any) -> Any:
    """Run ``memberPortal<mutation>(id:, expectedVersion:, <args>)``."""
    declared = ", ".join(f"${name}: {kind}" for name, kind in _types(variables).items())
    passed = ", ".join(f"{name}: ${name}" for name in variables)
    query = (
        f"mutation({declared}) {{ {mutation}({passed}) {{"
        f" enquiry {{ {ENQUIRY_FIELDS} }} errors {{ code field message }} }} }}"
    )
    result = await graphql.as_actor(actor).execute(query, variables)
    return result.ok()[mutation]


def _types(variables: dict[str, Any]) -> dict[str, str]:
    kinds = {
        "id": "ID!",
        "toId": "ID!",
        "leadOfficerId": "ID!",
        "additionalOfficerIds": "[ID!]",
        "expectedVersion": "Int!",
    }
    return {name: kinds.get(name, "String!") for name in variables}


async def node(graphql: Any, actor: Actor, gid: str) -> Any:
    result = await graphql.as_actor(actor).execute(NODE, {"id": gid})
    return result.ok()["node"]
