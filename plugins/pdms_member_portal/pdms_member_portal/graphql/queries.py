"""Root queries: enquiry lists and dashboards (within the caller's reach), the look-up
before submitting, same-issue matches and the export."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from pdms_core.plugin import (
    After,
    Connection,
    First,
    ValidationFailed,
    decode_id,
    described,
    keyset_page,
    lookup_values,
    query_field,
    today,
)
from sqlalchemy import select
from strawberry.types import Info

from pdms_member_portal.graphql.types import (
    MemberPortalCounts,
    MemberPortalEnquiry,
    MemberPortalExistingCase,
    MemberPortalMember,
    MemberPortalSameIssue,
    MemberPortalServiceArea,
)
from pdms_member_portal.lists import SERVICE_AREA
from pdms_member_portal.models import Enquiry, Member
from pdms_member_portal.permissions import EXPORT, MEMBERS, READ, SUBMIT
from pdms_member_portal.services import dashboard, enquiries, export
from pdms_member_portal.services.codes import directorate, response_days
from pdms_member_portal.services.history import get_enquiry
from pdms_member_portal.services.same_issue import same_issue

DASHBOARD_FIRST = 25


def settings(info: Info):  # type: ignore[no-untyped-def]
    return info.context.host.plugin("member_portal").settings


@strawberry.input(description="Filters of the enquiry list; all given must match.")
class MemberPortalFilterInput:
    enquiry_type: str | None = strawberry.field(default=None, description="Enquiry type code.")
    reference: str | None = strawberry.field(default=None, description="Case reference.")
    service_area: str | None = strawberry.field(default=None, description="Service area code.")
    surname: str | None = strawberry.field(default=None, description="Resident's surname.")
    directorate: str | None = strawberry.field(default=None, description="Directorate name.")
    member_email: str | None = strawberry.field(
        default=None, description="The raising member's email."
    )
    division: str | None = strawberry.field(default=None, description="Division/ward code.")
    status: str | None = strawberry.field(default=None, description="Status.")
    overdue: bool = strawberry.field(default=False, description="Only open and overdue.")
    due_today: bool = strawberry.field(default=False, description="Only open and due today.")


def _filters(given: MemberPortalFilterInput | None) -> dashboard.Filters:
    if given is None:
        return dashboard.Filters()
    return dashboard.Filters(
        enquiry_type=given.enquiry_type,
        reference=given.reference,
        service_area=given.service_area,
        surname=given.surname,
        directorate=given.directorate,
        member_email=given.member_email,
        division=given.division,
        status=given.status,
        overdue=given.overdue,
        due_today=given.due_today,
    )


@strawberry.type(description="A dashboard: counts of the filtered enquiries and the newest.")
class MemberPortalDashboard:
    counts: MemberPortalCounts = strawberry.field(description="Counts by state.")
    enquiries: list[MemberPortalEnquiry] = strawberry.field(
        description=f"The newest {DASHBOARD_FIRST}; page on with memberPortalEnquiries."
    )


@strawberry.enum(description="File format of an export.")
class MemberPortalExportFormat(Enum):
    CSV = strawberry.enum_value("csv", description="Comma-separated text (RFC 4180).")
    XLSX = strawberry.enum_value("xlsx", description="An Excel workbook, base64-encoded.")


Filter = Annotated[MemberPortalFilterInput | None, described("Filters; none: every enquiry.")]


@strawberry.type
class MemberPortalQuery:
    @query_field(
        description="Enquiries within your reach, newest first: a member's own (and their "
        "ward's where shared), an officer's assigned, a co-ordinator's all.",
        permission=READ,
    )
    async def member_portal_enquiries(
        self, info: Info, filters: Filter = None, first: First = None, after: After = None
    ) -> Connection[MemberPortalEnquiry]:
        async with info.context.session() as session:
            statement = await dashboard.filtered(
                session, info.context.actor, _filters(filters), today()
            )
            page = await keyset_page(session, statement, [-Enquiry.id], first=first, after=after)
        return page.connection()

    @query_field(
        description="The dashboard: counts of new, in progress, completed, overdue and due "
        "today, and the newest enquiries, for the filters and within your reach.",
        permission=READ,
    )
    async def member_portal_dashboard(
        self, info: Info, filters: Filter = None
    ) -> MemberPortalDashboard:
        on = today()
        async with info.context.session() as session:
            statement = await dashboard.filtered(session, info.context.actor, _filters(filters), on)
            counts = await dashboard.counts(session, statement, on)
            newest = await session.scalars(
                statement.order_by(Enquiry.id.desc()).limit(DASHBOARD_FIRST)
            )
            rows = list(newest)
        return MemberPortalDashboard(counts=MemberPortalCounts(**vars(counts)), enquiries=rows)

    @query_field(
        description="Before submitting: the council's open cases (every module's) at the "
        "place and with the person as a party, to attach the enquiry to one instead.",
        permission=SUBMIT,
    )
    async def member_portal_existing_cases(
        self,
        info: Info,
        place_id: Annotated[strawberry.ID | None, described("The place.")] = None,
        uprn: Annotated[str | None, described("The place, by UPRN.")] = None,
        person_id: Annotated[strawberry.ID | None, described("The resident.")] = None,
    ) -> list[MemberPortalExistingCase]:
        place = decode_id(place_id, "Place", field="placeId") if place_id else None
        person = decode_id(person_id, "Person", field="personId") if person_id else None
        async with info.context.session() as session:
            if place is None and uprn:
                found, _, _ = await enquiries.find_place(session, None, _uprn(uprn))
                place = found
            rows = await enquiries.existing_cases(session, place_id=place, person_id=person)
        return [
            MemberPortalExistingCase(
                reference=r.reference,
                module=r.module,
                status=r.status,
                opened_on=r.opened_on,
                at_place=bool(r.at_place),
                for_person=bool(r.for_person),
                case_id_=r.case_id,
            )
            for r in rows
        ]

    @query_field(
        description="Other members' enquiries about the same issue: same service area, at "
        "the same place or within the configured radius (100 m), raised within the "
        "configured days (30) of this one.",
        permission=READ,
    )
    async def member_portal_same_issue(
        self, info: Info, id: Annotated[strawberry.ID, described("The enquiry.")]
    ) -> list[MemberPortalSameIssue]:
        config = settings(info)
        enquiry_id = decode_id(id, "MemberPortalEnquiry", field="id")
        async with info.context.session() as session:
            enquiry = await get_enquiry(session, info.context.actor, enquiry_id)
            found = await same_issue(
                session,
                info.context.actor,
                enquiry,
                radius_m=config.same_issue_radius_m,
                days=config.same_issue_days,
            )
        return [MemberPortalSameIssue(enquiry=s.enquiry, distance_m=s.distance_m) for s in found]

    @query_field(description="The service areas, with directorates and standards.", permission=READ)
    async def member_portal_service_areas(self, info: Info) -> list[MemberPortalServiceArea]:
        async with info.context.session() as session:
            rows = await lookup_values(session, SERVICE_AREA)
        return [
            MemberPortalServiceArea(
                code=r.code,
                label=r.label,
                directorate=directorate(r),
                response_days=response_days(r),
            )
            for r in rows
        ]

    @query_field(description="Elected members, by id.", permission=MEMBERS)
    async def member_portal_members(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[MemberPortalMember]:
        async with info.context.session() as session:
            page = await keyset_page(session, select(Member), [Member.id], first=first, after=after)
        return page.connection()

    @query_field(
        description="The filtered enquiry list (within your reach) as CSV text, or as an "
        ".xlsx workbook in base64; text starting with = + - @ is neutralised.",
        permission=EXPORT,
    )
    async def member_portal_export(
        self,
        info: Info,
        format: Annotated[MemberPortalExportFormat, described("CSV or XLSX.")],
        filters: Filter = None,
    ) -> str:
        async with info.context.session() as session:
            statement = await dashboard.filtered(
                session, info.context.actor, _filters(filters), today()
            )
            found = await export.rows(session, statement)
        return (
            export.as_csv(found)
            if format is MemberPortalExportFormat.CSV
            else export.as_xlsx(found)
        )


def _uprn(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or len(text) > 12:
        raise ValidationFailed("A UPRN is up to 12 digits.", field="uprn")
    return int(text)
