"""Object types: enquiries, members, history lines, officers and look-up results."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from pdms_core.plugin import (
    ModelNode,
    ModuleRecord,
    documents_field,
    global_id,
    prefetchable,
    today,
)
from strawberry import relay
from strawberry.types import Info

import pdms_member_portal.access  # noqa: F401  (registers the row rules node(id:) applies)
from pdms_member_portal.graphql.loaders import (
    AddressesLoader,
    EntriesByEnquiryLoader,
    LookupValuesLoader,
    MembersByIdLoader,
    OfficersByEnquiryLoader,
    ResidentNamesLoader,
    StaffNamesLoader,
)
from pdms_member_portal.models import OPEN_STATUSES, Enquiry, Member
from pdms_member_portal.permissions import MEMBERS, READ
from pdms_member_portal.services.codes import directorate, response_days


def _gid(kind: str, row_id: int | None) -> strawberry.ID | None:
    return None if row_id is None else strawberry.ID(global_id(kind, row_id))


@strawberry.type(description="A value of one of the module's lists (enquiry type, ward).")
class MemberPortalCode:
    code: str = strawberry.field(description="Stable code of the value.")
    label: str = strawberry.field(description="Name shown to people.")


@strawberry.type(description="A service area: where enquiries go, and its response standard.")
class MemberPortalServiceArea:
    code: str = strawberry.field(description="Code (member_portal.demand_type).")
    label: str = strawberry.field(description="Name.")
    directorate: str = strawberry.field(description="The directorate it belongs to.")
    response_days: int = strawberry.field(description="Response standard in working days.")


async def _value(info: Info, value_id: int | None):  # type: ignore[no-untyped-def]
    if value_id is None:
        return None
    return await info.context.loaders.get(LookupValuesLoader).load(value_id)


@strawberry.type(description="An elected member: a staff user with their ward and contact.")
class MemberPortalMember(ModelNode):
    model = Member
    read_permission = MEMBERS
    personal_data = True

    id: relay.NodeID[int]
    email: str = strawberry.field(description="Where the portal writes to the member.")
    phone: str = strawberry.field(description="Phone number, if given.")
    contact_method: str = strawberry.field(description="email, phone, letter or in_person.")
    is_active: bool = strawberry.field(description="False once they leave office.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="Global ID of their staff user.")
    @prefetchable
    def user_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("StaffUser", self.user_id))

    @strawberry.field(description="Their name, as their staff user shows it.")
    @prefetchable
    async def name(self, info: Info) -> str:
        return await info.context.loaders.get(StaffNamesLoader).load(self.user_id) or ""

    @strawberry.field(description="Their division or ward (member_portal.ward).")
    @prefetchable
    async def ward(self, info: Info) -> MemberPortalCode | None:
        row = await _value(info, self.ward_id)
        return None if row is None else MemberPortalCode(code=row.code, label=row.label)


@strawberry.type(description="Who raised an enquiry.")
class MemberPortalRaisedBy:
    name: str = strawberry.field(description="The member's name.")
    email: str = strawberry.field(description="The member's email.")


@strawberry.type(description="An officer working on an enquiry.")
class MemberPortalOfficer:
    name: str = strawberry.field(description="The officer's name.")
    is_lead: bool = strawberry.field(description="The lead officer, who answers for it.")
    user_id_: strawberry.Private[int]

    @strawberry.field(description="Global ID of their staff user.")
    @prefetchable
    def user_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("StaffUser", self.user_id_))


@strawberry.type(description="One line of an enquiry's history: a response, a note or a change.")
class MemberPortalEntry:
    at: datetime = strawberry.field(description="When.")
    kind: str = strawberry.field(
        description="submitted, acknowledged, assigned, rerouted, note, response, "
        "update_requested, linked, closed or reopened."
    )
    member_visible: bool = strawberry.field(
        description="Shown to the member; internal notes are not."
    )
    actor_name: str = strawberry.field(description="Who.")
    text: str = strawberry.field(description="The response, note or reason.")


@strawberry.type(description="The place an enquiry is about.")
class MemberPortalPlace:
    uprn: str | None = strawberry.field(description="Unique Property Reference Number.")
    address: str = strawberry.field(description="Single-line address.")


@strawberry.type(description="An elected member's enquiry on behalf of residents.")
class MemberPortalEnquiry(ModelNode, ModuleRecord):
    model = Enquiry
    read_permission = READ
    # It names residents and their problems: every read is audited.
    personal_data = True

    id: relay.NodeID[int]
    reference: str = strawberry.field(description="The enquiry's reference (its case's).")
    subject: str = strawberry.field(description="What it is about, in a line.")
    details: str = strawberry.field(description="The member's account of the problem.")
    status: str = strawberry.field(
        description="new, acknowledged, in_progress, responded, closed or reopened."
    )
    contact_method: str = strawberry.field(description="How the member wants to hear back.")
    resident_consent: bool = strawberry.field(
        description="The resident agreed to the council using their details."
    )
    attached: bool = strawberry.field(description="It joined a case that existed before it.")
    submitted_at: datetime = strawberry.field(description="When the member submitted it.")
    acknowledge_by: date = strawberry.field(description="Acknowledgement due: next working day.")
    due_on: date = strawberry.field(description="Response due, by the service area's standard.")
    acknowledged_at: datetime | None = strawberry.field(description="When it was acknowledged.")
    responded_at: datetime | None = strawberry.field(description="When it was first answered.")
    response_working_days: int | None = strawberry.field(
        description="Working days from submission to the first response."
    )
    closes_on: date | None = strawberry.field(
        description="Closes itself on this day unless followed up."
    )
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    update_requests: int = strawberry.field(description="Times the member asked for an update.")
    version: int = strawberry.field(description="Optimistic-lock version.")
    documents = documents_field("MemberPortalEnquiry", "enquiry")

    @strawberry.field(description="Answered by its deadline; null until answered.")
    @prefetchable
    def within_standard(self) -> bool | None:
        return None if self.responded_on is None else self.responded_on <= self.due_on

    @strawberry.field(description="Open and past its deadline.")
    @prefetchable
    def overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < today()

    @strawberry.field(description="The service area it is with.")
    @prefetchable
    async def service_area(self, info: Info) -> MemberPortalServiceArea:
        row = await _value(info, self.service_area_id)
        return MemberPortalServiceArea(
            code=row.code,
            label=row.label,
            directorate=directorate(row),
            response_days=response_days(row),
        )

    @strawberry.field(description="The kind of enquiry (member_portal.enquiry_type).")
    @prefetchable
    async def enquiry_type(self, info: Info) -> MemberPortalCode:
        row = await _value(info, self.enquiry_type_id)
        return MemberPortalCode(code=row.code, label=row.label)

    @strawberry.field(description="The raising member's division or ward.")
    @prefetchable
    async def division(self, info: Info) -> MemberPortalCode | None:
        row = await _value(info, self.ward_id)
        return None if row is None else MemberPortalCode(code=row.code, label=row.label)

    @strawberry.field(description="The member who raised it.")
    @prefetchable
    async def raised_by(self, info: Info) -> MemberPortalRaisedBy:
        member, name = await info.context.loaders.get(MembersByIdLoader).load(self.member_id)
        return MemberPortalRaisedBy(name=name, email=member.email)

    @strawberry.field(description="Global ID of the resident (a core person), if any.")
    @prefetchable
    def person_id(self) -> strawberry.ID | None:
        return _gid("Person", self.person_id)

    @strawberry.field(description="The resident's name, if any.")
    @prefetchable
    async def resident_name(self, info: Info) -> str | None:
        if self.person_id is None:
            return None
        return await info.context.loaders.get(ResidentNamesLoader).load(self.person_id)

    @strawberry.field(description="The place it is about, if any.")
    @prefetchable
    async def place(self, info: Info) -> MemberPortalPlace | None:
        if self.place_id is None:
            return None
        row = await info.context.loaders.get(AddressesLoader).load(self.place_id)
        if row is None:
            return None
        uprn = None if row.uprn is None else str(row.uprn)
        return MemberPortalPlace(uprn=uprn, address=row.single_line_address or "")

    @strawberry.field(description="Global ID of its place, if any.")
    @prefetchable
    def place_id(self) -> strawberry.ID | None:
        return _gid("Place", self.place_id)

    @strawberry.field(description="Global ID of its core case.")
    @prefetchable
    def case_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Case", self.case_id))

    @strawberry.field(description="Global ID of the enquiry whose responses answer this one.")
    @prefetchable
    def linked_to_id(self) -> strawberry.ID | None:
        return _gid("MemberPortalEnquiry", self.linked_to_id)

    @strawberry.field(description="The lead officer and any others working on it.")
    @prefetchable
    async def officers(self, info: Info) -> list[MemberPortalOfficer]:
        rows = await info.context.loaders.get(OfficersByEnquiryLoader).load(self.id)
        return [
            MemberPortalOfficer(name=r.display_name, is_lead=r.is_lead, user_id_=r.user_id)
            for r in rows
        ]

    @strawberry.field(
        description="Its history, oldest first: responses and changes; internal notes "
        "only for co-ordinators and its officers."
    )
    @prefetchable
    async def history(self, info: Info) -> list[MemberPortalEntry]:
        rows = await info.context.loaders.get(EntriesByEnquiryLoader).load(self.id)
        return [
            MemberPortalEntry(
                at=r.at,
                kind=r.kind,
                member_visible=r.member_visible,
                actor_name=r.actor_name,
                text=r.text,
            )
            for r in rows
        ]


@strawberry.type(description="An open case the council already has at a place or for a person.")
class MemberPortalExistingCase:
    reference: str = strawberry.field(description="The case's reference.")
    module: str = strawberry.field(description="The module it belongs to (core for core's).")
    status: str = strawberry.field(description="Its status.")
    opened_on: date = strawberry.field(description="When it was opened.")
    at_place: bool = strawberry.field(description="The case is about the place.")
    for_person: bool = strawberry.field(description="The person is a party to the case.")
    case_id_: strawberry.Private[int]

    @strawberry.field(description="Global ID of the case, to attach an enquiry to it.")
    @prefetchable
    def case_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Case", self.case_id_))


@strawberry.type(description="Another member's enquiry about the same issue.")
class MemberPortalSameIssue:
    enquiry: MemberPortalEnquiry = strawberry.field(description="The other enquiry.")
    distance_m: float | None = strawberry.field(
        description="Metres between the two, when both have a point."
    )


@strawberry.type(description="Counts of the filtered enquiries.")
class MemberPortalCounts:
    new: int = strawberry.field(description="New, not yet acknowledged.")
    in_progress: int = strawberry.field(description="Acknowledged, in progress or reopened.")
    completed: int = strawberry.field(description="Responded or closed.")
    overdue: int = strawberry.field(description="Open and past their deadline.")
    due_today: int = strawberry.field(description="Open and due today.")
