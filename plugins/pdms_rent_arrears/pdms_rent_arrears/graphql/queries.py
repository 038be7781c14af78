"""Root query fields of the rent arrears module."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from pdms_core.plugin import (
    After,
    Connection,
    First,
    ValidationFailed,
    decode_id,
    described,
    global_id,
    keyset_page,
    query_field,
)
from pdms_rent_arrears import services
from pdms_rent_arrears.checks import check_report
from pdms_rent_arrears.graphql.reports import RentArrearsPreview, preview_type
from pdms_rent_arrears.graphql.types import (
    RentArrearsAccount,
    RentArrearsAccountWeek,
    RentArrearsCaseload,
    RentArrearsOverview,
    overview_type,
)
from pdms_rent_arrears.models import Account, AccountWeek
from pdms_rent_arrears.permissions import IMPORT, READ
from pdms_rent_arrears.services import WeekFilter


def decode_file(content_base64: str) -> bytes:
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("The file content is not base64.", field="contentBase64") from None


def settings(info: Info) -> object:
    return info.context.host.plugin("rent_arrears").settings


@strawberry.input(description="Which accounts of a report week to list; all given must hold.")
class RentArrearsWeekFilter:
    segment: str | None = strawberry.field(default=None, description="A segment code.")
    band: str | None = strawberry.field(default=None, description="A weeks-in-arrears band.")
    officer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Accounts assigned to this officer."
    )
    unassigned: bool = strawberry.field(default=False, description="Accounts with no officer.")
    patch_code: str | None = strawberry.field(default=None, description="A patch code.")
    flagged: bool = strawberry.field(
        default=False, description="Only accounts meeting a profiling rule."
    )
    in_arrears: bool = strawberry.field(default=False, description="Only positive balances.")


@strawberry.type
class RentArrearsQuery:
    @query_field(description="Rent accounts in reference order.", permission=READ)
    async def rent_arrears_accounts(
        self,
        info: Info,
        officer_id: Annotated[
            strawberry.ID | None, described("Only accounts assigned to this officer.")
        ] = None,
        unassigned: Annotated[bool, described("Only accounts with no officer.")] = False,
        unlinked: Annotated[
            bool, described("Only accounts not yet linked to a person or a place.")
        ] = False,
        first: First = None,
        after: After = None,
    ) -> Connection[RentArrearsAccount]:
        statement = services.account_statement(
            officer_id=decode_id(officer_id, "StaffUser", field="officerId")
            if officer_id
            else None,
            unassigned=unassigned,
            unlinked=unlinked,
        )
        async with info.context.session() as session:
            page = await keyset_page(
                session, statement, [Account.reference], first=first, after=after
            )
        return page.connection()

    @query_field(description="One rent account by its reference.", permission=READ)
    async def rent_arrears_account(
        self, info: Info, reference: Annotated[str, described("The account reference.")]
    ) -> RentArrearsAccount | None:
        async with info.context.session() as session:
            return await session.scalar(
                select(Account).where(Account.reference == reference.strip().upper())
            )

    @query_field(
        description="Figures of one report week by segment, band, officer and patch.",
        permission=READ,
    )
    async def rent_arrears_overview(
        self,
        info: Info,
        report_date: Annotated[date | None, described("Default: the latest report.")] = None,
    ) -> RentArrearsOverview:
        async with info.context.session() as session:
            value = await services.overview(session, info.context.actor, report_date)
        return overview_type(value)

    @query_field(
        description="Totals and segment counts of the last N reports, oldest first (graphs).",
        permission=READ,
    )
    async def rent_arrears_series(
        self,
        info: Info,
        weeks: Annotated[int, described("How many reports: 1 to 104.")] = 8,
        until: Annotated[date | None, described("Last report date; default the latest.")] = None,
    ) -> list[RentArrearsOverview]:
        async with info.context.session() as session:
            values = await services.series(session, info.context.actor, weeks, until)
        return [overview_type(v) for v in values]

    @query_field(
        description="The account lines behind an overview figure (drill-down).", permission=READ
    )
    async def rent_arrears_week_accounts(
        self,
        info: Info,
        report_date: Annotated[date | None, described("Default: the latest report.")] = None,
        filter: Annotated[RentArrearsWeekFilter | None, described("Which accounts.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[RentArrearsAccountWeek]:
        given = filter or RentArrearsWeekFilter()
        criteria = WeekFilter(
            segment=given.segment,
            band=given.band,
            officer_id=decode_id(given.officer_id, "StaffUser", field="officerId")
            if given.officer_id
            else None,
            unassigned=given.unassigned,
            patch_code=given.patch_code,
            flagged=given.flagged,
            in_arrears=given.in_arrears,
        )
        async with info.context.session() as session:
            statement = await services.week_statement(session, report_date, criteria)
            page = await keyset_page(session, statement, [AccountWeek.id], first=first, after=after)
        return page.connection()

    @query_field(
        description="Accounts per officer, and unassigned ones, with their arrears.",
        permission=READ,
    )
    async def rent_arrears_caseloads(self, info: Info) -> list[RentArrearsCaseload]:
        async with info.context.session() as session:
            loads = await services.caseloads(session, info.context.actor)
        return [
            RentArrearsCaseload(
                officer_id=None if c.officer_id is None else global_id("StaffUser", c.officer_id),
                officer_name=c.officer_name,
                accounts=c.accounts,
                in_arrears=c.in_arrears,
                arrears_pence=c.arrears_pence,
            )
            for c in loads
        ]

    @query_field(
        description="Check a report file and show how its columns match, without importing.",
        permission=IMPORT,
    )
    async def rent_arrears_preview_report(
        self,
        info: Info,
        file_name: Annotated[str, described("The file's name (.xlsx or .csv).")],
        content_base64: Annotated[str, described("The file's bytes, base64-encoded.")],
        report_date: Annotated[date, described("The week the report is for.")],
    ) -> RentArrearsPreview:
        content = decode_file(content_base64)
        async with info.context.session() as session:
            checked = await check_report(
                session,
                content=content,
                file_name=file_name,
                report_date=report_date,
                max_bytes=settings(info).max_upload_bytes,
                unknown_patches=settings(info).unknown_patches,
            )
        return preview_type(checked)
