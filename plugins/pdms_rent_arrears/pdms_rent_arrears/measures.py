"""Strategic measures (``pdms_measures``): the arrears position week by week.

Arrears are a stock, not a flow: each imported weekly report is one point of the
series, so every measure has one row per report week in the date range (and key),
and the filter's time bucket is not used. Criteria honoured: the date range (on the
report date); modules (nothing unless ``rent_arrears`` is among them); wards and
postcode areas (on the account's linked place: unlinked accounts then drop out);
teams, and a team-scoped reader's reach (on the case of the account's management
plan: accounts without a plan then drop out).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import MeasureColumn, MeasureFilter, MeasureSpec, MeasureTable, core_tables
from pdms_rent_arrears.lists import MODULE
from pdms_rent_arrears.models import SEGMENTS, Account, AccountWeek
from pdms_rent_arrears.segments import BANDS

LOOKUP_VALUE = core_tables.lookup_value
IN_ARREARS = AccountWeek.balance_pence > 0
OWED = func.coalesce(func.sum(case((IN_ARREARS, AccountWeek.balance_pence), else_=0)), 0)
WEEK = MeasureColumn("report_date", "Report week", "date")
ACCOUNTS = MeasureColumn("accounts", "Accounts", "integer")
ARREARS = MeasureColumn("arrears", "Arrears (£)", "number")


def _pounds(pence: int) -> float:
    # PostgreSQL sums integers as NUMERIC: make it a whole number of pence first.
    return round(int(pence) / 100, 2)


def _where(f: MeasureFilter) -> list[Any] | None:
    """The clauses on AccountWeek (joined to Account), or None when nothing can match."""
    if f.modules and MODULE not in f.modules:
        return None
    clauses = [*f.on_dates(AccountWeek.report_date), *f.on_place(Account.place_id)]
    if f.team_ids or f.within_teams is not None:
        teams_only = replace(f, wards=(), postcode_areas=())
        clauses.extend(teams_only.on_case(Account.case_id))
    return clauses


async def _grouped(
    session: AsyncSession, f: MeasureFilter, key: Any, *extra: Any
) -> list[Any] | None:
    where = _where(f)
    if where is None:
        return None
    query = (
        select(AccountWeek.report_date, key, func.count(), OWED)
        .join(Account, Account.id == AccountWeek.account_id)
        .where(*where, *extra)
        .group_by(AccountWeek.report_date, key)
    )
    return list(await session.execute(query))


async def weekly_totals(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    columns = (
        WEEK,
        ACCOUNTS,
        MeasureColumn("in_arrears", "Accounts in arrears", "integer"),
        ARREARS,
        MeasureColumn("uc_in_arrears", "Of which on Universal Credit", "integer"),
        MeasureColumn("uc_share", "Universal Credit share of accounts in arrears", "number"),
        MeasureColumn("uc_arrears", "Arrears on Universal Credit (£)", "number"),
    )
    where = _where(f)
    if where is None:
        return MeasureTable(columns=columns, rows=())
    uc_in_arrears = IN_ARREARS & AccountWeek.universal_credit.is_(True)
    rows = await session.execute(
        select(
            AccountWeek.report_date,
            func.count(),
            func.count(case((IN_ARREARS, 1))),
            OWED,
            func.count(case((uc_in_arrears, 1))),
            func.coalesce(func.sum(case((uc_in_arrears, AccountWeek.balance_pence), else_=0)), 0),
        )
        .join(Account, Account.id == AccountWeek.account_id)
        .where(*where)
        .group_by(AccountWeek.report_date)
        .order_by(AccountWeek.report_date)
    )
    return MeasureTable(
        columns=columns,
        rows=tuple(
            (
                day,
                accounts,
                owing,
                _pounds(owed),
                uc,
                round(uc / owing, 4) if owing else None,
                _pounds(uc_owed),
            )
            for day, accounts, owing, owed, uc, uc_owed in rows
        ),
    )


async def by_segment(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    columns = (WEEK, MeasureColumn("segment", "Segment"), ACCOUNTS, ARREARS)
    rows = await _grouped(session, f, AccountWeek.segment, AccountWeek.segment.is_not(None))
    order = {segment: n for n, segment in enumerate(SEGMENTS)}
    return MeasureTable(
        columns=columns,
        rows=tuple(
            (day, segment, count, _pounds(owed))
            for day, segment, count, owed in sorted(rows or (), key=lambda r: (r[0], order[r[1]]))
        ),
    )


async def by_band(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    columns = (
        WEEK,
        MeasureColumn("band_code", "Band code"),
        MeasureColumn("band", "Weeks in arrears"),
        ACCOUNTS,
        ARREARS,
    )
    rows = await _grouped(session, f, AccountWeek.band, AccountWeek.band.is_not(None))
    labels = {code: (n, label) for n, (code, label, _) in enumerate(BANDS)}
    return MeasureTable(
        columns=columns,
        rows=tuple(
            (day, band, labels[band][1], count, _pounds(owed))
            for day, band, count, owed in sorted(rows or (), key=lambda r: (r[0], labels[r[1]][0]))
        ),
    )


async def by_patch(session: AsyncSession, f: MeasureFilter) -> MeasureTable:
    """Accounts in arrears per patch (blank: no patch), as the overview shows them."""
    columns = (
        WEEK,
        MeasureColumn("patch_code", "Patch code"),
        MeasureColumn("patch", "Patch"),
        MeasureColumn("accounts", "Accounts in arrears", "integer"),
        ARREARS,
    )
    rows = await _grouped(session, f, Account.patch_id, IN_ARREARS)
    if not rows:
        return MeasureTable(columns=columns, rows=())
    ids = sorted({patch for _, patch, _, _ in rows if patch is not None})
    names = dict.fromkeys(ids, (None, None))
    if ids:
        found = await session.execute(
            select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code, LOOKUP_VALUE.c.label).where(
                LOOKUP_VALUE.c.id.in_(ids)
            )
        )
        names.update({row.id: (row.code, row.label) for row in found})
    table_rows = [
        (day, *names.get(patch, (None, None)), count, _pounds(owed))
        for day, patch, count, owed in rows
    ]
    table_rows.sort(key=lambda r: (r[0], r[1] is None, r[1] or ""))
    return MeasureTable(columns=columns, rows=tuple(table_rows))


def _spec(name: str, title: str, description: str, compute: Any) -> MeasureSpec:
    return MeasureSpec(
        name=f"{MODULE}.{name}", title=title, description=description, compute=compute
    )


MEASURES = (
    _spec(
        "weekly_totals",
        "Rent arrears week by week",
        "Per imported week: accounts, accounts in arrears, arrears owed, and the share "
        "of accounts in arrears on Universal Credit.",
        weekly_totals,
    ),
    _spec(
        "by_segment",
        "Rent arrears by segment",
        "Per imported week and segment (new, increasing, decreasing, static, cleared, "
        "returned): accounts and arrears owed.",
        by_segment,
    ),
    _spec(
        "by_band",
        "Rent arrears by weeks in arrears",
        "Per imported week and band of weeks in arrears: accounts and arrears owed.",
        by_band,
    ),
    _spec(
        "by_patch",
        "Rent arrears by patch",
        "Per imported week and patch: accounts in arrears and arrears owed (blank: no patch).",
        by_patch,
    ),
)
