"""Accounts after import: overview figures, assignment, linking, profiles and plans.

Services take (session, actor, ...), raise typed ``UserError``s, flush and never commit;
the GraphQL layer and the CLI call the same functions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import (
    Actor,
    DemandFields,
    Duplicate,
    NewParty,
    NotFound,
    ValidationFailed,
    add_demand,
    core_tables,
    expect_version,
    group_by,
    lookup_values,
    open_case,
)
from pdms_rent_arrears.lists import (
    ARREARS_DEMAND,
    MODULE,
    NEXT_ACTION,
    PATCH,
    PROFILE_RULE,
)
from pdms_rent_arrears.models import (
    SEGMENTS,
    Account,
    AccountWeek,
    ColumnMapping,
    PatchOfficer,
    RentFreeWeek,
    ReportImport,
)
from pdms_rent_arrears.profiles import any_rule_condition, rule_matches
from pdms_rent_arrears.reading import FIELDS
from pdms_rent_arrears.segments import BANDS
from pdms_rent_arrears.weeks import rederive_after

CASE = core_tables.case_record
LOOKUP_VALUE = core_tables.lookup_value
PERSON = core_tables.person
PLACE = core_tables.place
STAFF_USER = core_tables.staff_user
MAX_SERIES_WEEKS = 104
#: A title block above the header is a few rows; a larger number is a typing slip.
MAX_HEADER_ROW = 1000
IN_ARREARS = AccountWeek.balance_pence > 0
OWED = func.coalesce(func.sum(case((IN_ARREARS, AccountWeek.balance_pence), else_=0)), 0)


@dataclass(frozen=True)
class Figure:
    """One overview figure; ``key`` is the drill-down filter value (None: unassigned)."""

    key: str | None
    label: str
    accounts: int
    arrears_pence: int


@dataclass
class Overview:
    report_date: date
    accounts: int
    in_arrears: int
    arrears_pence: int
    by_segment: list[Figure] = field(default_factory=list)
    by_band: list[Figure] = field(default_factory=list)
    by_officer: list[Figure] = field(default_factory=list)
    by_patch: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class WeekFilter:
    """Which week rows a drill-down shows; every criterion given must hold."""

    segment: str | None = None
    band: str | None = None
    officer_id: int | None = None
    unassigned: bool = False
    patch_code: str | None = None
    flagged: bool = False
    in_arrears: bool = False


async def report_dates(session: AsyncSession) -> list[date]:
    return list(
        await session.scalars(select(ReportImport.report_date).order_by(ReportImport.report_date))
    )


async def resolve_report_date(session: AsyncSession, report_date: date | None) -> date:
    """The given report date if imported, or the latest one."""
    if report_date is None:
        report_date = await session.scalar(select(func.max(ReportImport.report_date)))
        if report_date is None:
            raise NotFound("No report has been imported yet.", field="reportDate")
        return report_date
    found = await session.scalar(
        select(ReportImport.id).where(ReportImport.report_date == report_date)
    )
    if found is None:
        raise NotFound("No report was imported for that date.", field="reportDate")
    return report_date


def _figures(rows: Any, labels: Mapping[Any, str], keys: Sequence[Any] | None) -> list[Figure]:
    found = {row[0]: (row[1], row[2]) for row in rows}
    order = list(keys) if keys is not None else list(found)
    return [
        Figure(
            None if key is None else str(key),
            labels.get(key, str(key)),
            *found.get(key, (0, 0)),
        )
        for key in order
    ]


async def overview(session: AsyncSession, actor: Actor, report_date: date | None) -> Overview:
    report_date = await resolve_report_date(session, report_date)
    week = AccountWeek.report_date == report_date
    accounts, in_arrears, owed = (
        await session.execute(
            select(func.count(), func.count(case((IN_ARREARS, 1))), OWED).where(week)
        )
    ).one()
    by_segment = await session.execute(
        select(AccountWeek.segment, func.count(), OWED)
        .where(week, AccountWeek.segment.is_not(None))
        .group_by(AccountWeek.segment)
    )
    by_band = await session.execute(
        select(AccountWeek.band, func.count(), OWED)
        .where(week, AccountWeek.band.is_not(None))
        .group_by(AccountWeek.band)
    )
    by_officer = list(
        await session.execute(
            select(Account.officer_id, func.count(), OWED, STAFF_USER.c.display_name)
            .join(Account, Account.id == AccountWeek.account_id)
            .outerjoin(STAFF_USER, STAFF_USER.c.id == Account.officer_id)
            .where(week, IN_ARREARS)
            .group_by(Account.officer_id, STAFF_USER.c.display_name)
            .order_by(STAFF_USER.c.display_name.is_(None), STAFF_USER.c.display_name)
        )
    )
    by_patch = list(
        await session.execute(
            select(LOOKUP_VALUE.c.code, func.count(), OWED, LOOKUP_VALUE.c.label)
            .join(Account, Account.id == AccountWeek.account_id)
            .outerjoin(LOOKUP_VALUE, LOOKUP_VALUE.c.id == Account.patch_id)
            .where(week, IN_ARREARS)
            .group_by(LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label)
            .order_by(LOOKUP_VALUE.c.code.is_(None), LOOKUP_VALUE.c.code)
        )
    )
    return Overview(
        report_date=report_date,
        accounts=accounts,
        in_arrears=in_arrears,
        arrears_pence=owed,
        by_segment=_figures(by_segment, {s: s.capitalize() for s in SEGMENTS}, SEGMENTS),
        by_band=_figures(by_band, {c: label for c, label, _ in BANDS}, [c for c, _, _ in BANDS]),
        by_officer=_figures(
            by_officer, {r[0]: r[3] or "Unassigned" for r in by_officer}, [r[0] for r in by_officer]
        ),
        by_patch=_figures(
            by_patch, {r[0]: r[3] or "No patch" for r in by_patch}, [r[0] for r in by_patch]
        ),
    )


async def series(
    session: AsyncSession, actor: Actor, weeks: int, until: date | None
) -> list[Overview]:
    """Totals and segment counts for the last ``weeks`` reports up to ``until``, oldest first."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise ValidationFailed(f"Ask for 1 to {MAX_SERIES_WEEKS} weeks.", field="weeks")
    dates = select(ReportImport.report_date)
    if until is not None:
        dates = dates.where(ReportImport.report_date <= until)
    chosen = sorted(
        await session.scalars(dates.order_by(ReportImport.report_date.desc()).limit(weeks))
    )
    if not chosen:
        return []
    totals = {
        row[0]: row[1:]
        for row in await session.execute(
            select(AccountWeek.report_date, func.count(), func.count(case((IN_ARREARS, 1))), OWED)
            .where(AccountWeek.report_date.in_(chosen))
            .group_by(AccountWeek.report_date)
        )
    }
    segments = group_by(
        await session.execute(
            select(AccountWeek.report_date, AccountWeek.segment, func.count(), OWED)
            .where(AccountWeek.report_date.in_(chosen), AccountWeek.segment.is_not(None))
            .group_by(AccountWeek.report_date, AccountWeek.segment)
        ),
        "report_date",
    )
    labels = {s: s.capitalize() for s in SEGMENTS}
    result = []
    for day in chosen:
        accounts, in_arrears, owed = totals.get(day, (0, 0, 0))
        rows = [(r.segment, r[2], r[3]) for r in segments.get(day, [])]
        result.append(
            Overview(day, accounts, in_arrears, owed, by_segment=_figures(rows, labels, SEGMENTS))
        )
    return result


async def week_statement(
    session: AsyncSession, report_date: date | None, criteria: WeekFilter
) -> Select[Any]:
    """Week rows of one report matching the drill-down criteria (unordered)."""
    report_date = await resolve_report_date(session, report_date)
    statement = select(AccountWeek).where(AccountWeek.report_date == report_date)
    account_filters = []
    if criteria.segment is not None:
        if criteria.segment not in SEGMENTS:
            raise ValidationFailed("Unknown segment.", field="segment")
        statement = statement.where(AccountWeek.segment == criteria.segment)
    if criteria.band is not None:
        statement = statement.where(AccountWeek.band == criteria.band)
    if criteria.in_arrears:
        statement = statement.where(IN_ARREARS)
    if criteria.officer_id is not None:
        account_filters.append(Account.officer_id == criteria.officer_id)
    if criteria.unassigned:
        account_filters.append(Account.officer_id.is_(None))
    if criteria.patch_code is not None:
        patch = {r.code: r.id for r in await lookup_values(session, PATCH)}.get(criteria.patch_code)
        if patch is None:
            raise ValidationFailed("Unknown patch.", field="patchCode")
        account_filters.append(Account.patch_id == patch)
    if account_filters:
        statement = statement.where(
            AccountWeek.account_id.in_(select(Account.id).where(and_(*account_filters)))
        )
    if criteria.flagged:
        statement = statement.where(any_rule_condition(await lookup_values(session, PROFILE_RULE)))
    return statement


def account_statement(
    *,
    officer_id: int | None = None,
    unassigned: bool = False,
    unlinked: bool = False,
) -> Select[Any]:
    statement = select(Account)
    if officer_id is not None:
        statement = statement.where(Account.officer_id == officer_id)
    if unassigned:
        statement = statement.where(Account.officer_id.is_(None))
    if unlinked:
        statement = statement.where(Account.person_id.is_(None) | Account.place_id.is_(None))
    return statement


async def get_account(session: AsyncSession, account_id: int, field: str = "accountId") -> Account:
    account = await session.get(Account, account_id, populate_existing=True)
    if account is None:
        raise NotFound("There is no such rent account.", field=field)
    return account


async def _check_officer(session: AsyncSession, officer_id: int | None) -> None:
    if officer_id is None:
        return
    active = await session.scalar(
        select(STAFF_USER.c.is_active).where(STAFF_USER.c.id == officer_id)
    )
    if not active:
        raise ValidationFailed("There is no such active officer.", field="officerId")


async def assign(
    session: AsyncSession,
    actor: Actor,
    account_ids: Sequence[int],
    officer_id: int | None,
    expected_versions: Sequence[int] | None = None,
) -> list[Account]:
    """Assign accounts (one or many) to an officer, or unassign them with None.

    With ``expected_versions`` (the versions the caller read, in the order of
    ``account_ids``), an account changed since makes the whole assignment a CONFLICT.
    """
    if not account_ids or len(account_ids) > 1000:
        raise ValidationFailed("Give 1 to 1,000 accounts.", field="accountIds")
    if expected_versions is not None and len(expected_versions) != len(account_ids):
        raise ValidationFailed(
            "Give one expected version per account, in the same order.", field="expectedVersions"
        )
    await _check_officer(session, officer_id)
    accounts = list(await session.scalars(select(Account).where(Account.id.in_(account_ids))))
    if len(accounts) != len(set(account_ids)):
        raise NotFound("Some of those rent accounts do not exist.", field="accountIds")
    if expected_versions is not None:
        by_id = {account.id: account for account in accounts}
        for account_id, expected in zip(account_ids, expected_versions, strict=True):
            expect_version(by_id[account_id], expected, field="expectedVersions")
    for account in accounts:
        account.officer_id = officer_id
    await session.flush()
    return sorted(accounts, key=lambda a: a.reference)


async def _patch_id(session: AsyncSession, code: str) -> int:
    patch = {r.code: r.id for r in await lookup_values(session, PATCH)}.get(code)
    if patch is None:
        raise ValidationFailed("Unknown patch.", field="patchCode")
    return patch


async def assign_patch(
    session: AsyncSession, actor: Actor, patch_code: str, officer_id: int | None
) -> int:
    """Save the patch rule (None removes it) and apply it to every account in the patch."""
    patch_id = await _patch_id(session, patch_code)
    await _check_officer(session, officer_id)
    rule = await session.scalar(select(PatchOfficer).where(PatchOfficer.patch_id == patch_id))
    if officer_id is None:
        if rule is not None:
            await session.delete(rule)
        return 0
    if rule is None:
        session.add(PatchOfficer(patch_id=patch_id, officer_id=officer_id))
    else:
        rule.officer_id = officer_id
    result = await session.execute(
        update(Account)
        .where(Account.patch_id == patch_id)
        .values(officer_id=officer_id, version=Account.version + 1)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return result.rowcount


@dataclass(frozen=True)
class PlanOpened:
    account: Account
    case: Any

    @property
    def audit_target(self) -> Account:
        """What the audit trail records as the mutation's target."""
        return self.account


@dataclass(frozen=True)
class Caseload:
    officer_id: int | None
    officer_name: str
    accounts: int
    in_arrears: int
    arrears_pence: int


async def caseloads(session: AsyncSession, actor: Actor) -> list[Caseload]:
    """Accounts per officer (and unassigned, last) with their latest week's arrears."""
    latest = await session.scalar(select(func.max(ReportImport.report_date)))
    week = and_(AccountWeek.account_id == Account.id, AccountWeek.report_date == latest)
    rows = await session.execute(
        select(
            Account.officer_id,
            STAFF_USER.c.display_name,
            func.count(Account.id),
            func.count(case((IN_ARREARS, 1))),
            OWED,
        )
        .outerjoin(AccountWeek, week)
        .outerjoin(STAFF_USER, STAFF_USER.c.id == Account.officer_id)
        .group_by(Account.officer_id, STAFF_USER.c.display_name)
        .order_by(STAFF_USER.c.display_name.is_(None), STAFF_USER.c.display_name)
    )
    return [Caseload(r[0], r[1] or "Unassigned", r[2], r[3], r[4]) for r in rows]


async def link_account(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: int,
    expected_version: int,
    person_id: int | None,
    place_id: int | None,
) -> Account:
    """Link an account to a person and/or place by hand (unmatched rows of an import)."""
    account = await get_account(session, account_id)
    expect_version(account, expected_version)
    if person_id is not None:
        if await session.scalar(select(PERSON.c.id).where(PERSON.c.id == person_id)) is None:
            raise NotFound("There is no such person.", field="personId")
        account.person_id = person_id
    if place_id is not None:
        if await session.scalar(select(PLACE.c.id).where(PLACE.c.id == place_id)) is None:
            raise NotFound("There is no such place.", field="placeId")
        account.place_id = place_id
    await session.flush()
    return account


async def record_action(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: int,
    expected_version: int,
    action_code: str,
    taken_on: date,
) -> Account:
    """Record the recovery action taken; the cascade recommends the step after it."""
    account = await get_account(session, account_id)
    expect_version(account, expected_version)
    action = {r.code: r.id for r in await lookup_values(session, NEXT_ACTION)}.get(action_code)
    if action is None:
        raise ValidationFailed("Unknown recovery action.", field="actionCode")
    account.last_action_id = action
    account.last_action_on = taken_on
    await session.flush()
    return account


async def set_agreement(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: int,
    expected_version: int,
    until: date | None,
) -> Account:
    """An active repayment agreement (until a date; None ends it) suppresses recovery actions."""
    account = await get_account(session, account_id)
    expect_version(account, expected_version)
    account.agreement_until = until
    await session.flush()
    return account


async def save_mapping(
    session: AsyncSession,
    actor: Actor,
    columns: Mapping[str, str],
    header_row: int | None = None,
) -> ColumnMapping:
    """Save which report header feeds each field (fields left out use the known
    spellings) and which row holds the headers (None: found automatically)."""
    from pdms_rent_arrears.checks import MAPPING_NAME, saved_mapping

    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ValidationFailed(f"Unknown field {unknown[0]!r}.", field="columns")
    if header_row is not None and not 1 <= header_row <= MAX_HEADER_ROW:
        raise ValidationFailed(
            f"The header row is a row number from 1 to {MAX_HEADER_ROW}.", field="headerRow"
        )
    cleaned = {name: header.strip() for name, header in columns.items() if header.strip()}
    mapping = await saved_mapping(session)
    if mapping is None:
        mapping = ColumnMapping(name=MAPPING_NAME, columns=cleaned, header_row=header_row)
        session.add(mapping)
    else:
        mapping.columns = cleaned
        mapping.header_row = header_row
    await session.flush()
    return mapping


async def set_rent_free_week(
    session: AsyncSession, actor: Actor, week_date: date, rent_free: bool
) -> list[date]:
    """Mark (or unmark) a report date rent-free and derive that week and later ones again."""
    row = await session.scalar(select(RentFreeWeek).where(RentFreeWeek.week_date == week_date))
    if rent_free and row is None:
        session.add(RentFreeWeek(week_date=week_date))
    elif not rent_free and row is not None:
        await session.delete(row)
    await session.flush()
    await rederive_after(session, week_date, inclusive=True)
    return list(
        await session.scalars(select(RentFreeWeek.week_date).order_by(RentFreeWeek.week_date))
    )


async def latest_week(session: AsyncSession, account_id: int) -> AccountWeek | None:
    return await session.scalar(
        select(AccountWeek)
        .where(AccountWeek.account_id == account_id)
        .order_by(AccountWeek.report_date.desc())
        .limit(1)
    )


async def open_management_plan(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: int,
    expected_version: int,
    known_modules: Collection[str],
    summary: str = "",
) -> PlanOpened:
    """Open a rent-arrears case with an arrears demand for a flagged account."""
    account = await get_account(session, account_id)
    expect_version(account, expected_version)
    if account.case_id is not None:
        closed = await session.scalar(select(CASE.c.closed_on).where(CASE.c.id == account.case_id))
        if closed is None:
            raise Duplicate("The account already has an open management plan.", field="accountId")
    week = await latest_week(session, account.id)
    rules = await lookup_values(session, PROFILE_RULE)
    matched = [r for r in rules if week is not None and rule_matches(r.data, week)]
    if not matched:
        raise ValidationFailed(
            "The account is not flagged by any profiling rule.", field="accountId"
        )
    reasons = "; ".join(r.label for r in matched)
    owed = f"£{week.balance_pence / 100:,.2f}"
    case_record = await open_case(
        session,
        actor,
        module=MODULE,
        known_modules=known_modules,
        summary=summary or f"Management plan for rent account {account.reference}",
        officer_id=account.officer_id,
        parties=[NewParty(account.person_id, "subject")] if account.person_id else [],
        place_ids=[account.place_id] if account.place_id else [],
    )
    await add_demand(
        session,
        actor,
        case_id=case_record.id,
        expected_version=case_record.version,
        fields=DemandFields(
            type_code=ARREARS_DEMAND,
            nature="value",
            description=(
                f"{owed} owed, {round(week.weeks_in_arrears, 2):g} weeks in arrears "
                f"(report of {week.report_date.isoformat()}). Flagged: {reasons}."
            ),
        ),
    )
    account.case_id = case_record.id
    await session.flush()
    return PlanOpened(account, case_record)


async def accounts_by_place(
    session: AsyncSession, actor: Actor, place_ids: Sequence[int]
) -> Mapping[int, Sequence[Account]]:
    rows = await session.scalars(
        select(Account).where(Account.place_id.in_(place_ids)).order_by(Account.reference)
    )
    return group_by(rows, "place_id")


async def accounts_by_person(
    session: AsyncSession, actor: Actor, person_ids: Sequence[int]
) -> Mapping[int, Sequence[Account]]:
    rows = await session.scalars(
        select(Account).where(Account.person_id.in_(person_ids)).order_by(Account.reference)
    )
    return group_by(rows, "person_id")
