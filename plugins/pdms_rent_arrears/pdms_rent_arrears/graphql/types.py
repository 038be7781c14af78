"""Object types: accounts, their weeks, overview figures, import results."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.plugin import ModelNode, ModuleRecord, global_id
from pdms_rent_arrears.graphql.loaders import (
    AccountsByIdLoader,
    LatestWeekByAccountLoader,
    ListLoader,
    LookupCodesLoader,
    OfficerNamesLoader,
    WeeksByAccountLoader,
)
from pdms_rent_arrears.lists import NEXT_ACTION, PROFILE_RULE
from pdms_rent_arrears.models import Account, AccountWeek
from pdms_rent_arrears.permissions import READ
from pdms_rent_arrears.profiles import recommend, rule_matches


@strawberry.type(description="A value of one of the module's lists (patch, rule, action).")
class RentArrearsCode:
    code: str = strawberry.field(description="Stable code of the value.")
    label: str = strawberry.field(description="Name shown to officers.")


def _code(row: Any) -> RentArrearsCode | None:
    return RentArrearsCode(code=row.code, label=row.label) if row is not None else None


async def _lookup(info: Info, value_id: int | None) -> RentArrearsCode | None:
    if value_id is None:
        return None
    return _code(await info.context.loaders.get(LookupCodesLoader).load(value_id))


def _weeks_for_display(root: Any) -> float:
    # Rounded for display only: bands and rules compare the unrounded figure.
    return round(root.weeks_in_arrears, 2)


@strawberry.type(description="One account's line in one weekly report, with derived figures.")
class RentArrearsAccountWeek(ModelNode):
    model = AccountWeek
    read_permission = READ

    id: relay.NodeID[int]
    report_date: date = strawberry.field(description="The report's date.")
    balance_pence: int = strawberry.field(description="Balance in pence; positive is owed.")
    weekly_rent_pence: int = strawberry.field(description="Weekly gross rent in pence.")
    last_payment_on: date | None = strawberry.field(description="Date of the last payment.")
    last_payment_pence: int | None = strawberry.field(description="Last payment in pence.")
    universal_credit: bool = strawberry.field(description="The tenant claims Universal Credit.")
    segment: str | None = strawberry.field(
        description="new, increasing, decreasing, static, cleared or returned; null when not "
        "in arrears this week nor last."
    )

    weeks_in_arrears: float = strawberry.field(
        resolver=_weeks_for_display, description="Balance ÷ weekly rent (0 if none)."
    )
    band: str | None = strawberry.field(
        description="Weeks-in-arrears band: under_1, 1_to_2, 2_to_4, 4_to_8, 8_plus."
    )
    weeks_in_arrears_run: int = strawberry.field(description="Consecutive reports in arrears.")
    trend_weeks: int = strawberry.field(
        description="Consecutive reports in the current segment's trend."
    )
    rent_free: bool = strawberry.field(description="The week was configured rent-free.")

    @strawberry.field(description="The account.")
    async def account(self, info: Info) -> RentArrearsAccount:
        return await info.context.loaders.get(AccountsByIdLoader).load(self.account_id)

    @strawberry.field(description="Profiling rules this week's figures meet.")
    async def flags(self, info: Info) -> list[RentArrearsCode]:
        rules = await info.context.loaders.get(ListLoader).load(PROFILE_RULE)
        return [_code(rule) for rule in rules if rule_matches(rule.data, self)]


@strawberry.type(description="A tenancy's rent account, as listed by the weekly reports.")
class RentArrearsAccount(ModelNode, ModuleRecord):
    model = Account
    read_permission = READ
    # It names the tenant and their address: every read is audited, like a person's.
    personal_data = True

    id: relay.NodeID[int]
    reference: str = strawberry.field(description="The housing system's account reference.")
    tenant_name: str = strawberry.field(description="Tenant name as the report gives it.")
    address: str = strawberry.field(description="Address as the report gives it.")
    agreement_until: date | None = strawberry.field(
        description="End of the active repayment agreement, if any."
    )
    last_action_on: date | None = strawberry.field(description="When the last action was taken.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="UPRN from the report, if given.")
    def uprn(self) -> str | None:
        return None if self.uprn is None else str(self.uprn)

    @strawberry.field(description="Global ID of the linked Person (null: not linked yet).")
    def person_id(self) -> strawberry.ID | None:
        return None if self.person_id is None else global_id("Person", self.person_id)

    @strawberry.field(description="Global ID of the linked Place (null: not linked yet).")
    def place_id(self) -> strawberry.ID | None:
        return None if self.place_id is None else global_id("Place", self.place_id)

    @strawberry.field(description="Global ID of the management-plan case, if one was opened.")
    def case_id(self) -> strawberry.ID | None:
        return None if self.case_id is None else global_id("Case", self.case_id)

    @strawberry.field(description="Global ID of the assigned rent officer.")
    def officer_id(self) -> strawberry.ID | None:
        return None if self.officer_id is None else global_id("StaffUser", self.officer_id)

    @strawberry.field(description="Name of the assigned rent officer.")
    async def officer_name(self, info: Info) -> str | None:
        if self.officer_id is None:
            return None
        return await info.context.loaders.get(OfficerNamesLoader).load(self.officer_id)

    @strawberry.field(description="The account's patch.")
    async def patch(self, info: Info) -> RentArrearsCode | None:
        return await _lookup(info, self.patch_id)

    @strawberry.field(description="The last recovery action taken.")
    async def last_action(self, info: Info) -> RentArrearsCode | None:
        return await _lookup(info, self.last_action_id)

    @strawberry.field(description="The account's line in the latest report that lists it.")
    async def latest_week(self, info: Info) -> RentArrearsAccountWeek | None:
        return await info.context.loaders.get(LatestWeekByAccountLoader).load(self.id)

    @strawberry.field(description="Every report line of the account, newest first.")
    async def weeks(self, info: Info) -> list[RentArrearsAccountWeek]:
        return await info.context.loaders.get(WeeksByAccountLoader).load(self.id)

    @strawberry.field(description="Profiling rules the latest week meets.")
    async def flags(self, info: Info) -> list[RentArrearsCode]:
        week = await info.context.loaders.get(LatestWeekByAccountLoader).load(self.id)
        if week is None:
            return []
        rules = await info.context.loaders.get(ListLoader).load(PROFILE_RULE)
        return [_code(rule) for rule in rules if rule_matches(rule.data, week)]

    @strawberry.field(
        description="The recovery action now due by the cascade (null: none due, not in "
        "arrears, or suppressed by a repayment agreement)."
    )
    async def next_action(self, info: Info) -> RentArrearsCode | None:
        return (await _recommendation(info, self))[0]

    @strawberry.field(description="An active repayment agreement suppresses recovery actions.")
    async def next_action_suppressed(self, info: Info) -> bool:
        return (await _recommendation(info, self))[1]


async def _recommendation(info: Info, account: Any) -> tuple[RentArrearsCode | None, bool]:
    week = await info.context.loaders.get(LatestWeekByAccountLoader).load(account.id)
    cascade = await info.context.loaders.get(ListLoader).load(NEXT_ACTION)
    step, suppressed = recommend(
        cascade,
        week,
        last_action_id=account.last_action_id,
        last_action_on=account.last_action_on,
        agreement_until=account.agreement_until,
    )
    return _code(step), suppressed


@strawberry.type(description="One figure of an overview, with the filter value to drill into.")
class RentArrearsFigure:
    key: str | None = strawberry.field(
        description="Drill-down value (segment, band, patch code or officer ID; null: none)."
    )
    label: str = strawberry.field(description="What the figure counts.")
    accounts: int = strawberry.field(description="Number of accounts.")
    arrears_pence: int = strawberry.field(description="Their arrears in pence.")


@strawberry.type(description="One report week summarised.")
class RentArrearsOverview:
    report_date: date = strawberry.field(description="The report's date.")
    accounts: int = strawberry.field(description="Accounts in the report.")
    in_arrears: int = strawberry.field(description="Accounts with a positive balance.")
    arrears_pence: int = strawberry.field(description="Total arrears in pence.")
    by_segment: list[RentArrearsFigure] = strawberry.field(
        description="Accounts per segment, in segment order."
    )
    by_band: list[RentArrearsFigure] = strawberry.field(
        description="Accounts in arrears per weeks-in-arrears band (empty in a series)."
    )
    by_officer: list[RentArrearsFigure] = strawberry.field(
        description="Accounts in arrears per assigned officer (empty in a series)."
    )
    by_patch: list[RentArrearsFigure] = strawberry.field(
        description="Accounts in arrears per patch (empty in a series)."
    )


def overview_type(value: Any) -> RentArrearsOverview:
    officers = [
        RentArrearsFigure(
            key=None if f.key is None else global_id("StaffUser", int(f.key)),
            label=f.label,
            accounts=f.accounts,
            arrears_pence=f.arrears_pence,
        )
        for f in value.by_officer
    ]

    def figures(items: Any) -> list[RentArrearsFigure]:
        return [RentArrearsFigure(**vars(f)) for f in items]

    return RentArrearsOverview(
        report_date=value.report_date,
        accounts=value.accounts,
        in_arrears=value.in_arrears,
        arrears_pence=value.arrears_pence,
        by_segment=figures(value.by_segment),
        by_band=figures(value.by_band),
        by_officer=officers,
        by_patch=figures(value.by_patch),
    )


@strawberry.type(description="An officer's caseload (officer null: unassigned accounts).")
class RentArrearsCaseload:
    officer_id: strawberry.ID | None = strawberry.field(description="The officer's global ID.")
    officer_name: str = strawberry.field(description="The officer's name, or Unassigned.")
    accounts: int = strawberry.field(description="Accounts assigned.")
    in_arrears: int = strawberry.field(description="Of which in arrears in the latest report.")
    arrears_pence: int = strawberry.field(description="Their arrears in pence.")


@strawberry.type(description="How one report field was matched to a column.")
class RentArrearsColumnMatch:
    field: str = strawberry.field(description="The report field, e.g. `weekly_rent`.")
    label: str = strawberry.field(description="The field's name for officers.")
    required: bool = strawberry.field(description="An import needs this column.")
    header: str | None = strawberry.field(description="The matched column header, if any.")
    matched_by: str | None = strawberry.field(
        description="`saved` (the saved mapping), `recognised` (a known spelling) or null."
    )


@strawberry.type(description="A problem in one cell or row of a report.")
class RentArrearsRowError:
    row: int = strawberry.field(description="Spreadsheet row number (the header is row 1).")
    column: str | None = strawberry.field(description="The field at fault, if one.")
    reason: str = strawberry.field(description="What is wrong.")


def columns_type(columns: Any) -> list[RentArrearsColumnMatch]:
    return [
        RentArrearsColumnMatch(
            field=c.field, label=c.label, required=c.required, header=c.header, matched_by=c.source
        )
        for c in columns
    ]


def row_errors_type(errors: Any) -> list[RentArrearsRowError]:
    return [RentArrearsRowError(row=e.row, column=e.column, reason=e.reason) for e in errors]


@strawberry.type(description="An imported weekly report.")
class RentArrearsReport:
    report_date: date = strawberry.field(description="The report's date.")
    file_name: str = strawberry.field(description="The uploaded file's name.")
    row_count: int = strawberry.field(description="Accounts in the report.")
