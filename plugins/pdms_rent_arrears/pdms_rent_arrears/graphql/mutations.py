"""Root mutations of the rent arrears module: one unit of work each."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from pdms_core.plugin import (
    CaseNode,
    UserErrorType,
    ValidationFailed,
    decode_id,
    described,
    mutation_field,
    payload_type,
    run_mutation,
)
from pdms_rent_arrears import services
from pdms_rent_arrears.graphql.queries import decode_file, settings
from pdms_rent_arrears.graphql.reports import (
    RentArrearsImportInput,
    RentArrearsImportPayload,
    RentArrearsRemoveWeekPayload,
    import_payload,
)
from pdms_rent_arrears.graphql.types import RentArrearsAccount, RentArrearsReport
from pdms_rent_arrears.importer import import_report
from pdms_rent_arrears.permissions import ASSIGN, CONFIGURE, IMPORT, PLAN, WRITE
from pdms_rent_arrears.reading import FIELDS
from pdms_rent_arrears.weeks import remove_week

RentArrearsAccountsPayload = payload_type(
    "RentArrearsAccountsPayload",
    "accounts",
    RentArrearsAccount,
    description="Result of changing rent accounts.",
    many=True,
)


RentArrearsAccountPayload = payload_type(
    "RentArrearsAccountPayload",
    "account",
    RentArrearsAccount,
    description="Result of changing one rent account.",
)


@strawberry.type(description="Result of a patch assignment rule.")
class RentArrearsPatchPayload:
    assigned: int = strawberry.field(description="Accounts now assigned by the rule.")
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was changed.")


@strawberry.type(description="Result of opening a management plan.")
class RentArrearsPlanPayload:
    account: RentArrearsAccount | None = strawberry.field(description="The account.")
    case: CaseNode | None = strawberry.field(description="The new rent-arrears case.")
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was opened.")


@strawberry.input(description="The header that feeds one report field.")
class RentArrearsColumnInput:
    field: str = strawberry.field(description="A report field, e.g. `balance`.")
    header: str = strawberry.field(description="The column header in the council's report.")


@strawberry.type(description="One saved field-to-header pair.")
class RentArrearsSavedColumn:
    field: str = strawberry.field(description="The report field.")
    header: str = strawberry.field(description="The header it reads.")


@strawberry.type(description="Result of saving the column mapping.")
class RentArrearsMappingPayload:
    columns: list[RentArrearsSavedColumn] = strawberry.field(description="The saved mapping.")
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was saved.")
    header_row: int | None = strawberry.field(
        default=None, description="The saved header row (null: found automatically)."
    )


@strawberry.type(description="Result of configuring rent-free weeks.")
class RentArrearsRentFreePayload:
    rent_free_weeks: list[date] = strawberry.field(description="Every rent-free report date.")
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was changed.")


async def _file_bytes(input: RentArrearsImportInput) -> bytes:
    """The report's bytes, from exactly one of the upload and the base64 text."""
    if (input.file is None) == (input.content_base64 is None):
        raise ValidationFailed(
            "Send the file once: as a multipart upload (file) or base64 (contentBase64).",
            field="file",
        )
    if input.file is not None:
        return await input.file.read()
    return decode_file(input.content_base64)


def _officer(officer_id: strawberry.ID | None) -> int | None:
    return decode_id(officer_id, "StaffUser", field="officerId") if officer_id else None


def _account(account_id: strawberry.ID) -> int:
    return decode_id(account_id, "RentArrearsAccount", field="accountId")


@strawberry.type
class RentArrearsMutation:
    @mutation_field(
        description="Import a weekly arrears report (.xlsx or .csv): all rows or none.",
        permission=IMPORT,
    )
    async def rent_arrears_import_report(
        self, info: Info, input: Annotated[RentArrearsImportInput, described("The report.")]
    ) -> RentArrearsImportPayload:
        async def action(session: AsyncSession) -> Any:
            return await import_report(
                session,
                info.context.actor,
                content=await _file_bytes(input),
                file_name=input.file_name,
                report_date=input.report_date,
                replace=input.replace,
                max_bytes=settings(info).max_upload_bytes,
                unknown_patches=settings(info).unknown_patches,
            )

        outcome, errors = await run_mutation(info, action)
        if outcome is None:
            return RentArrearsImportPayload(
                report=None,
                columns=[],
                row_errors=[],
                accounts_created=0,
                unlinked_accounts=0,
                errors=errors,
            )
        return import_payload(outcome)

    @mutation_field(
        description="Remove a wrongly imported week (its lines and import); later weeks are "
        "derived again. Accounts it created stay.",
        permission=IMPORT,
    )
    async def rent_arrears_remove_week(
        self, info: Info, report_date: Annotated[date, described("The report date to remove.")]
    ) -> RentArrearsRemoveWeekPayload:
        async def action(session: AsyncSession) -> Any:
            return await remove_week(session, info.context.actor, report_date)

        removed, errors = await run_mutation(info, action)
        if removed is None:
            return RentArrearsRemoveWeekPayload(removed=None, rederived_weeks=[], errors=errors)
        report = removed.report
        return RentArrearsRemoveWeekPayload(
            removed=RentArrearsReport(
                report_date=report.report_date,
                file_name=report.file_name,
                row_count=report.row_count,
            ),
            rederived_weeks=removed.rederived,
            errors=[],
        )

    @mutation_field(
        description="Assign accounts (one or many) to an officer; no officer unassigns them.",
        permission=ASSIGN,
    )
    async def rent_arrears_assign_accounts(
        self,
        info: Info,
        account_ids: Annotated[list[strawberry.ID], described("The accounts (up to 1,000).")],
        officer_id: Annotated[strawberry.ID | None, described("The rent officer.")] = None,
        expected_versions: Annotated[
            list[int] | None,
            described(
                "The versions you read, in the order of accountIds: if any account changed "
                "since, nothing is assigned (CONFLICT)."
            ),
        ] = None,
    ) -> RentArrearsAccountsPayload:
        async def action(session: AsyncSession) -> Any:
            return await services.assign(
                session,
                info.context.actor,
                [_account(a) for a in account_ids],
                _officer(officer_id),
                expected_versions,
            )

        accounts, errors = await run_mutation(info, action)
        return RentArrearsAccountsPayload(accounts=accounts or [], errors=errors)

    @mutation_field(
        description="Give every account in a patch (now and in later imports) to an officer; "
        "no officer removes the rule.",
        permission=ASSIGN,
    )
    async def rent_arrears_assign_patch(
        self,
        info: Info,
        patch_code: Annotated[str, described("A rent_arrears.patch code.")],
        officer_id: Annotated[strawberry.ID | None, described("The rent officer.")] = None,
    ) -> RentArrearsPatchPayload:
        async def action(session: AsyncSession) -> Any:
            return await services.assign_patch(
                session, info.context.actor, patch_code, _officer(officer_id)
            )

        assigned, errors = await run_mutation(info, action)
        return RentArrearsPatchPayload(assigned=assigned or 0, errors=errors)

    @mutation_field(
        description="Link an account to a person and/or a place by hand.", permission=WRITE
    )
    async def rent_arrears_link_account(
        self,
        info: Info,
        account_id: Annotated[strawberry.ID, described("The account.")],
        expected_version: Annotated[int, described("The account's version you read.")],
        person_id: Annotated[strawberry.ID | None, described("The tenant.")] = None,
        place_id: Annotated[strawberry.ID | None, described("The property.")] = None,
    ) -> RentArrearsAccountPayload:
        async def action(session: AsyncSession) -> Any:
            return await services.link_account(
                session,
                info.context.actor,
                account_id=_account(account_id),
                expected_version=expected_version,
                person_id=decode_id(person_id, "Person", field="personId") if person_id else None,
                place_id=decode_id(place_id, "Place", field="placeId") if place_id else None,
            )

        account, errors = await run_mutation(info, action)
        return RentArrearsAccountPayload(account=account, errors=errors)

    @mutation_field(
        description="Record the recovery action taken (a rent_arrears.next_action code).",
        permission=WRITE,
    )
    async def rent_arrears_record_action(
        self,
        info: Info,
        account_id: Annotated[strawberry.ID, described("The account.")],
        expected_version: Annotated[int, described("The account's version you read.")],
        action_code: Annotated[str, described("The action taken.")],
        taken_on: Annotated[date, described("When it was taken.")],
    ) -> RentArrearsAccountPayload:
        async def action(session: AsyncSession) -> Any:
            return await services.record_action(
                session,
                info.context.actor,
                account_id=_account(account_id),
                expected_version=expected_version,
                action_code=action_code,
                taken_on=taken_on,
            )

        account, errors = await run_mutation(info, action)
        return RentArrearsAccountPayload(account=account, errors=errors)

    @mutation_field(
        description="Record a repayment agreement until a date (null ends it).", permission=WRITE
    )
    async def rent_arrears_set_agreement(
        self,
        info: Info,
        account_id: Annotated[strawberry.ID, described("The account.")],
        expected_version: Annotated[int, described("The account's version you read.")],
        until: Annotated[date | None, described("Last day of the agreement.")] = None,
    ) -> RentArrearsAccountPayload:
        async def action(session: AsyncSession) -> Any:
            return await services.set_agreement(
                session,
                info.context.actor,
                account_id=_account(account_id),
                expected_version=expected_version,
                until=until,
            )

        account, errors = await run_mutation(info, action)
        return RentArrearsAccountPayload(account=account, errors=errors)

    @mutation_field(
        description="Open a management plan for a flagged account: a rent-arrears case with "
        "an arrears demand, the tenant as subject and the property.",
        permission=PLAN,
    )
    async def rent_arrears_open_management_plan(
        self,
        info: Info,
        account_id: Annotated[strawberry.ID, described("The flagged account.")],
        expected_version: Annotated[int, described("The account's version you read.")],
        summary: Annotated[str, described("The case summary; default names the account.")] = "",
    ) -> RentArrearsPlanPayload:
        modules = {plugin.name for plugin in info.context.host.plugins}

        async def action(session: AsyncSession) -> Any:
            return await services.open_management_plan(
                session,
                info.context.actor,
                account_id=_account(account_id),
                expected_version=expected_version,
                known_modules=modules,
                summary=summary,
            )

        opened, errors = await run_mutation(info, action)
        return RentArrearsPlanPayload(
            account=opened.account if opened else None,
            case=opened.case if opened else None,
            errors=errors,
        )

    @mutation_field(
        description="Save which column header feeds each report field.", permission=CONFIGURE
    )
    async def rent_arrears_save_column_mapping(
        self,
        info: Info,
        columns: Annotated[list[RentArrearsColumnInput], described("Field-to-header pairs.")],
        header_row: Annotated[
            int | None,
            described(
                "The spreadsheet row holding the headers (1 = the first), for reports with a "
                "title block; null finds it among the first 20 rows."
            ),
        ] = None,
    ) -> RentArrearsMappingPayload:
        async def action(session: AsyncSession) -> Any:
            return await services.save_mapping(
                session, info.context.actor, {c.field: c.header for c in columns}, header_row
            )

        mapping, errors = await run_mutation(info, action)
        saved = mapping.columns if mapping else {}
        return RentArrearsMappingPayload(
            columns=[
                RentArrearsSavedColumn(field=name, header=saved[name])
                for name in FIELDS
                if name in saved
            ],
            header_row=mapping.header_row if mapping else None,
            errors=errors,
        )

    @mutation_field(
        description="Mark a report date rent-free (or not); segments are derived again.",
        permission=CONFIGURE,
    )
    async def rent_arrears_set_rent_free_week(
        self,
        info: Info,
        week_date: Annotated[date, described("The report date.")],
        rent_free: Annotated[bool, described("Whether the week charges no rent.")] = True,
    ) -> RentArrearsRentFreePayload:
        async def action(session: AsyncSession) -> Any:
            return await services.set_rent_free_week(
                session, info.context.actor, week_date, rent_free
            )

        weeks, errors = await run_mutation(info, action)
        return RentArrearsRentFreePayload(rent_free_weeks=weeks or [], errors=errors)
