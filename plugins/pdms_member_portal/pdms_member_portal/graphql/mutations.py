"""Root mutations: one unit of work each, typed errors, nothing stored on failure."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from pdms_core.plugin import decode_id, described, mutation_field, payload_type, run_mutation
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_member_portal.graphql.queries import _uprn, settings
from pdms_member_portal.graphql.types import MemberPortalEnquiry, MemberPortalMember
from pdms_member_portal.permissions import COORDINATE, MEMBERS, RESPOND, SUBMIT
from pdms_member_portal.services import coordination, enquiries, members

MemberPortalEnquiryPayload = payload_type(
    "MemberPortalEnquiryPayload",
    "enquiry",
    MemberPortalEnquiry,
    description="Result of a change to one enquiry.",
)
MemberPortalMemberPayload = payload_type(
    "MemberPortalMemberPayload",
    "member",
    MemberPortalMember,
    description="Result of flagging or changing an elected member.",
)

Id = Annotated[strawberry.ID, described("The enquiry.")]
Version = Annotated[int, described("The enquiry's version you read.")]


@strawberry.input(description="A staff user as an elected member.")
class MemberPortalMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The staff user.")
    email: str = strawberry.field(description="Where the portal writes to them.")
    ward: str | None = strawberry.field(default=None, description="Division/ward code.")
    phone: str = strawberry.field(default="", description="Phone number.")
    contact_method: str = strawberry.field(
        default="email", description="email, phone, letter or in_person."
    )
    is_active: bool = strawberry.field(default=True, description="False once out of office.")
    expected_version: int | None = strawberry.field(
        default=None, description="The member's version you read, when changing one."
    )


@strawberry.input(description="A resident not yet known to the council.")
class MemberPortalNewResidentInput:
    forenames: str = strawberry.field(description="Forenames.")
    surname: str = strawberry.field(description="Surname.")


@strawberry.input(description="A member's enquiry. Check memberPortalExistingCases first.")
class MemberPortalEnquiryInput:
    service_area: str = strawberry.field(description="Service area code.")
    enquiry_type: str = strawberry.field(description="Enquiry type code.")
    subject: str = strawberry.field(description="What it is about, in a line.")
    details: str = strawberry.field(default="", description="The details.")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The resident, a known person."
    )
    new_resident: MemberPortalNewResidentInput | None = strawberry.field(
        default=None, description="The resident, recorded as a new person."
    )
    resident_consent: bool = strawberry.field(
        default=False, description="The resident agreed to the council using their details."
    )
    place_id: strawberry.ID | None = strawberry.field(default=None, description="The place.")
    uprn: str | None = strawberry.field(default=None, description="The place, by UPRN.")
    contact_method: str | None = strawberry.field(
        default=None, description="How to reply: email, phone, letter or in_person."
    )
    attach_to_case_id: strawberry.ID | None = strawberry.field(
        default=None, description="An open case to attach the enquiry to instead of a new one."
    )


def _id(value: strawberry.ID, field: str = "id") -> int:
    return decode_id(value, "MemberPortalEnquiry", field=field)


def _staff(value: strawberry.ID, field: str) -> int:
    return decode_id(value, "StaffUser", field=field)


def _new(given: MemberPortalEnquiryInput) -> enquiries.NewEnquiry:
    resident = given.new_resident
    return enquiries.NewEnquiry(
        service_area=given.service_area,
        enquiry_type=given.enquiry_type,
        subject=given.subject,
        details=given.details,
        person_id=decode_id(given.person_id, "Person", field="personId")
        if given.person_id
        else None,
        new_resident=enquiries.NewResident(resident.forenames, resident.surname)
        if resident
        else None,
        resident_consent=given.resident_consent,
        place_id=decode_id(given.place_id, "Place", field="placeId") if given.place_id else None,
        uprn=_uprn(given.uprn) if given.uprn and given.uprn.strip() else None,
        contact_method=given.contact_method,
        attach_to_case_id=decode_id(given.attach_to_case_id, "Case", field="attachToCaseId")
        if given.attach_to_case_id
        else None,
    )


async def _enquiry(info: Info, action: Any) -> Any:
    enquiry, errors = await run_mutation(info, action)
    return MemberPortalEnquiryPayload(enquiry=enquiry, errors=errors)


@strawberry.type
class MemberPortalMutation:
    @mutation_field(
        description="Flag a staff user as an elected member, or change their ward and contact.",
        permission=MEMBERS,
    )
    async def member_portal_set_member(
        self, info: Info, input: Annotated[MemberPortalMemberInput, described("The member.")]
    ) -> MemberPortalMemberPayload:
        async def action(session: AsyncSession) -> Any:
            return await members.set_member(
                session,
                info.context.actor,
                members.MemberFields(
                    user_id=_staff(input.user_id, "userId"),
                    email=input.email,
                    ward_code=input.ward,
                    phone=input.phone,
                    contact_method=input.contact_method,
                    is_active=input.is_active,
                    expected_version=input.expected_version,
                ),
            )

        member, errors = await run_mutation(info, action)
        return MemberPortalMemberPayload(member=member, errors=errors)

    @mutation_field(
        description="Raise an enquiry as an elected member: a case with a demand of its "
        "service area, or a demand on the open case given to attach it to.",
        permission=SUBMIT,
    )
    async def member_portal_submit_enquiry(
        self, info: Info, input: Annotated[MemberPortalEnquiryInput, described("The enquiry.")]
    ) -> MemberPortalEnquiryPayload:
        modules = {plugin.name for plugin in info.context.host.plugins}
        return await _enquiry(
            info,
            lambda session: enquiries.submit_enquiry(
                session, info.context.actor, _new(input), known_modules=modules
            ),
        )

    @mutation_field(
        description="Assign the lead officer and any additional officers (any team); a new "
        "enquiry is acknowledged by it and the lead officer is told.",
        permission=COORDINATE,
    )
    async def member_portal_assign(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        lead_officer_id: Annotated[strawberry.ID, described("The lead officer (staff user).")],
        additional_officer_ids: Annotated[
            list[strawberry.ID] | None, described("Other officers (staff users).")
        ] = None,
    ) -> MemberPortalEnquiryPayload:
        def action(session: AsyncSession) -> Any:
            return coordination.assign(
                session,
                info.context.actor,
                _id(id),
                expected_version,
                lead_officer_id=_staff(lead_officer_id, "leadOfficerId"),
                additional_officer_ids=[
                    _staff(v, f"additionalOfficerIds.{i}")
                    for i, v in enumerate(additional_officer_ids or [])
                ],
            )

        return await _enquiry(info, action)

    @mutation_field(description="Acknowledge a new enquiry.", permission=COORDINATE)
    async def member_portal_acknowledge(
        self, info: Info, id: Id, expected_version: Version
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.acknowledge(s, info.context.actor, _id(id), expected_version),
        )

    @mutation_field(
        description="Re-route an enquiry to another service area, with the reason.",
        permission=COORDINATE,
    )
    async def member_portal_reroute(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        service_area: Annotated[str, described("The new service area's code.")],
        reason: Annotated[str, described("Why it is re-routed.")],
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.reroute(
                s,
                info.context.actor,
                _id(id),
                expected_version,
                service_area=service_area,
                reason=reason,
            ),
        )

    @mutation_field(
        description="Record a response the member sees (and the members of linked enquiries).",
        permission=RESPOND,
    )
    async def member_portal_respond(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        text: Annotated[str, described("The response.")],
    ) -> MemberPortalEnquiryPayload:
        config = settings(info)
        return await _enquiry(
            info,
            lambda s: coordination.respond(
                s, info.context.actor, _id(id), expected_version, text, settings=config
            ),
        )

    @mutation_field(
        description="Record an internal note: officers and co-ordinators see it, the member "
        "does not.",
        permission=RESPOND,
    )
    async def member_portal_add_note(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        text: Annotated[str, described("The note.")],
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.add_note(s, info.context.actor, _id(id), expected_version, text),
        )

    @mutation_field(description="Close an enquiry.", permission=COORDINATE)
    async def member_portal_close(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        reason: Annotated[str, described("Why, for the history.")] = "",
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.close(s, info.context.actor, _id(id), expected_version, reason),
        )

    @mutation_field(
        description="Reopen a responded or closed enquiry (its member or a co-ordinator).",
        permission=SUBMIT,
    )
    async def member_portal_reopen(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        reason: Annotated[str, described("The follow-up.")],
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.reopen(s, info.context.actor, _id(id), expected_version, reason),
        )

    @mutation_field(
        description="Ask for an update on your enquiry: the lead officer is told, and it "
        "counts as failure demand on its case.",
        permission=SUBMIT,
    )
    async def member_portal_request_update(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        note: Annotated[str, described("What you want to know.")] = "",
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.request_update(
                s, info.context.actor, _id(id), expected_version, note
            ),
        )

    @mutation_field(
        description="Link an enquiry to another about the same issue, so that one response "
        "answers both.",
        permission=COORDINATE,
    )
    async def member_portal_link(
        self,
        info: Info,
        id: Id,
        expected_version: Version,
        to_id: Annotated[strawberry.ID, described("The enquiry whose responses answer it.")],
    ) -> MemberPortalEnquiryPayload:
        return await _enquiry(
            info,
            lambda s: coordination.link(
                s, info.context.actor, _id(id), expected_version, to_enquiry_id=_id(to_id, "toId")
            ),
        )
