"""Importing one weekly report: all rows or none, then segments derived from history.

Validation happens before the first write, so a rejected report changes nothing; a
report date imports once, and importing it again must say ``replace`` explicitly. Rows
go in with bulk statements (one INSERT per table, executemany), not one ORM object per
row: a council's report has tens of thousands of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.plugin import (
    Actor,
    Duplicate,
    chunks,
    core_tables,
    insert_rows,
    lookup_id,
)
from pdms_rent_arrears.checks import CREATE, Checked, ImportWarning, check_report
from pdms_rent_arrears.lists import PATCH, TENANCY_REFERENCE_TYPE
from pdms_rent_arrears.models import Account, AccountWeek, PatchOfficer, ReportImport
from pdms_rent_arrears.reading import ColumnMatch
from pdms_rent_arrears.segments import Derived, derive
from pdms_rent_arrears.validation import ReportRow, RowError, patch_key
from pdms_rent_arrears.weeks import is_rent_free, previous_states, rederive_after

ACCOUNT = Account.__table__
EXTERNAL_REFERENCE = core_tables.external_reference
PLACE = core_tables.place
LOOKUP_SET = core_tables.lookup_set
LOOKUP_VALUE = core_tables.lookup_value
WEEK = AccountWeek.__table__
NEW_ACCOUNT_COLUMNS = ("reference", "tenant_name", "address", "uprn", "patch_id", "version")
#: Week columns in insert order: the report's figures, then ``Derived``'s fields.
WEEK_COLUMNS = (
    "import_id",
    "account_id",
    "report_date",
    "balance_pence",
    "weekly_rent_pence",
    "last_payment_on",
    "last_payment_pence",
    "universal_credit",
    *Derived._fields,
    "rent_free",
)


@dataclass
class ImportOutcome:
    report: ReportImport | None
    columns: list[ColumnMatch]
    errors: list[RowError]
    accounts_created: int = 0
    unlinked: int = 0
    checked: Checked | None = None
    #: Patch values created for patches the report named: (code, label).
    patches_created: list[tuple[str, str]] = field(default_factory=list)

    @property
    def warnings(self) -> list[ImportWarning]:
        return self.checked.warnings if self.checked else []

    @property
    def audit_target(self) -> ReportImport | None:
        """What the audit trail records as the mutation's target."""
        return self.report


async def import_report(
    session: AsyncSession,
    actor: Actor,
    *,
    content: bytes,
    file_name: str,
    report_date: date,
    replace: bool = False,
    max_bytes: int,
    unknown_patches: str = CREATE,
) -> ImportOutcome:
    """Import one report; with row errors nothing is written and they are returned."""
    existing = await session.scalar(
        select(ReportImport).where(ReportImport.report_date == report_date)
    )
    if existing is not None and not replace:
        raise Duplicate(
            f"The report of {report_date.isoformat()} is already imported; "
            "import it with replace to overwrite that week.",
            field="reportDate",
        )
    checked = await check_report(
        session,
        content=content,
        file_name=file_name,
        report_date=report_date,
        max_bytes=max_bytes,
        unknown_patches=unknown_patches,
    )
    if checked.errors:
        return ImportOutcome(None, checked.columns, checked.errors, checked=checked)
    if existing is not None:
        await session.execute(delete(WEEK).where(WEEK.c.report_date == report_date))
        await session.delete(existing)
        await session.flush()
    report = ReportImport(
        report_date=report_date,
        file_name=file_name[:255],
        row_count=len(checked.rows),
        imported_by=actor.display_name[:200],
    )
    session.add(report)
    await session.flush()
    patches = await _create_patches(session, checked)
    ids, created, new_after, changed = await _upsert_accounts(session, checked.rows)
    await _link_people_and_places(session, new_after, changed)
    await _assign_by_patch_rules(session)
    await _write_weeks(session, report, checked.rows, ids)
    await rederive_after(session, report_date)
    unlinked = await session.scalar(
        select(func.count())
        .select_from(ACCOUNT)
        .where(ACCOUNT.c.id.in_(select(WEEK.c.account_id).where(WEEK.c.report_date == report_date)))
        .where((ACCOUNT.c.person_id.is_(None)) | (ACCOUNT.c.place_id.is_(None)))
    )
    return ImportOutcome(report, checked.columns, [], created, unlinked or 0, checked, patches)


async def _create_patches(session: AsyncSession, checked: Checked) -> list[tuple[str, str]]:
    """New values of the patch list for the patches the report names that it lacks.

    Housing systems add patches when estates are reorganised; refusing the whole report
    for that (one error per row) helped nobody, so the patch joins the list as an
    officer-made value, which lookups sync keeps, and can be relabelled or merged later.
    """
    if not checked.new_patches:
        return []
    set_id = await session.scalar(select(LOOKUP_SET.c.id).where(LOOKUP_SET.c.code == PATCH))
    last = await session.scalar(
        select(func.max(LOOKUP_VALUE.c.sort_order)).where(LOOKUP_VALUE.c.set_id == set_id)
    )
    made = [(patch_key(name)[:100], name[:200]) for name in checked.new_patches]
    await session.execute(
        insert(LOOKUP_VALUE),
        [
            {"set_id": set_id, "code": code, "label": label, "sort_order": (last or 0) + n}
            for n, (code, label) in enumerate(made, start=1)
        ],
    )
    ids = dict(
        (code, value_id)
        for value_id, code in await session.execute(
            select(LOOKUP_VALUE.c.id, LOOKUP_VALUE.c.code).where(
                LOOKUP_VALUE.c.set_id == set_id, LOOKUP_VALUE.c.code.in_([c for c, _ in made])
            )
        )
    )
    for row in checked.rows:
        if row.new_patch is not None:
            row.patch_id = ids[patch_key(row.new_patch)[:100]]
    return made


async def _upsert_accounts(
    session: AsyncSession, rows: list[ReportRow]
) -> tuple[dict[str, int], int, int, list[int]]:
    """Account ids by reference, how many are new, the id new ones follow, changed ids."""
    known = {
        row.reference: row
        for row in await session.execute(
            select(
                ACCOUNT.c.id,
                ACCOUNT.c.reference,
                ACCOUNT.c.tenant_name,
                ACCOUNT.c.address,
                ACCOUNT.c.uprn,
                ACCOUNT.c.patch_id,
            )
        )
    }
    new = [
        (r.reference, r.tenant_name, r.address, r.uprn, r.patch_id, 1)
        for r in rows
        if r.reference not in known
    ]
    changed = [
        {
            "_id": known[r.reference].id,
            "_name": r.tenant_name,
            "_address": r.address,
            "_uprn": r.uprn,
            "_patch": r.patch_id,
        }
        for r in rows
        if r.reference in known
        and (
            known[r.reference].tenant_name,
            known[r.reference].address,
            known[r.reference].uprn,
            known[r.reference].patch_id,
        )
        != (r.tenant_name, r.address, r.uprn, r.patch_id)
    ]
    ids = {reference: row.id for reference, row in known.items()}
    highest = max((row.id for row in known.values()), default=0)
    if new:
        # A plain executemany, then one SELECT for the ids: RETURNING in parameter order
        # would send one INSERT per row on SQLite.
        await insert_rows(session, ACCOUNT, NEW_ACCOUNT_COLUMNS, new)
        fresh = {r[0] for r in new}
        ids.update(
            (reference, account_id)
            for account_id, reference in await session.execute(
                select(ACCOUNT.c.id, ACCOUNT.c.reference).where(ACCOUNT.c.id > highest)
            )
            if reference in fresh
        )
    if changed:
        await session.execute(
            update(ACCOUNT)
            .where(ACCOUNT.c.id == bindparam("_id"))
            .values(
                tenant_name=bindparam("_name"),
                address=bindparam("_address"),
                uprn=bindparam("_uprn"),
                patch_id=bindparam("_patch"),
                version=ACCOUNT.c.version + 1,
            )
            .execution_options(synchronize_session=False),
            changed,
        )
    return ids, len(new), highest, [c["_id"] for c in changed]


async def _link_people_and_places(
    session: AsyncSession, new_after: int, changed_ids: list[int]
) -> None:
    """Link new or changed accounts: the person by tenancy reference, the place by UPRN,
    else by address. Set-based UPDATEs over indexed columns; accounts matching nothing
    stay listed for linking by hand (retrying them every week would rescan the places).
    """
    touched = [ACCOUNT.c.id > new_after]
    touched += [ACCOUNT.c.id.in_(part) for part in chunks(changed_ids)]
    tenancy_type = await lookup_id(session, "external_reference_type", TENANCY_REFERENCE_TYPE)
    for condition in touched:
        if tenancy_type is not None:
            person = (
                select(func.max(EXTERNAL_REFERENCE.c.person_id))
                .where(
                    EXTERNAL_REFERENCE.c.type_id == tenancy_type,
                    EXTERNAL_REFERENCE.c.value == ACCOUNT.c.reference,
                )
                .scalar_subquery()
            )
            await session.execute(
                update(ACCOUNT)
                .where(condition, ACCOUNT.c.person_id.is_(None))
                .where(person.is_not(None))
                .values(person_id=person, version=ACCOUNT.c.version + 1)
            )
        place = select(PLACE.c.id).where(PLACE.c.uprn == ACCOUNT.c.uprn).scalar_subquery()
        await session.execute(
            update(ACCOUNT)
            .where(condition, ACCOUNT.c.place_id.is_(None), ACCOUNT.c.uprn.is_not(None))
            .where(place.is_not(None))
            .values(place_id=place, version=ACCOUNT.c.version + 1)
        )
    by_address: dict[str, list[int]] = {}
    for condition in touched:
        for account_id, address in await session.execute(
            select(ACCOUNT.c.id, ACCOUNT.c.address).where(
                condition, ACCOUNT.c.place_id.is_(None), ACCOUNT.c.address != ""
            )
        ):
            by_address.setdefault(_address_key(address), []).append(account_id)
    if not by_address:
        return
    links = []
    # One pass over the places (no index on a normalised address), only when needed.
    places = await session.stream(select(PLACE.c.id, PLACE.c.single_line_address))
    async for place_id, address in places:
        for account_id in by_address.pop(_address_key(address), ()):
            links.append({"_id": account_id, "_place": place_id})
    if links:
        await session.execute(
            update(ACCOUNT)
            .where(ACCOUNT.c.id == bindparam("_id"))
            .values(place_id=bindparam("_place"), version=ACCOUNT.c.version + 1),
            links,
        )


def _address_key(address: str) -> str:
    return " ".join(address.upper().replace(",", " ").split())


async def _assign_by_patch_rules(session: AsyncSession) -> None:
    """Unassigned accounts in a patch with a rule go to that patch's officer."""
    for patch_id, officer_id in await session.execute(
        select(PatchOfficer.patch_id, PatchOfficer.officer_id)
    ):
        await session.execute(
            update(ACCOUNT)
            .where(ACCOUNT.c.patch_id == patch_id, ACCOUNT.c.officer_id.is_(None))
            .values(officer_id=officer_id, version=ACCOUNT.c.version + 1)
        )


async def _write_weeks(
    session: AsyncSession, report: ReportImport, rows: list[ReportRow], ids: dict[str, int]
) -> None:
    report_date = report.report_date
    account_ids = [ids[r.reference] for r in rows]
    previous = await previous_states(session, report_date, account_ids)
    rent_free = await is_rent_free(session, report_date)
    values = []
    for r, account_id in zip(rows, account_ids, strict=True):
        d = derive(previous.get(account_id), r.balance_pence, r.weekly_rent_pence, rent_free)
        values.append(
            (
                report.id,
                account_id,
                report_date,
                r.balance_pence,
                r.weekly_rent_pence,
                r.last_payment_on,
                r.last_payment_pence,
                r.universal_credit,
                *d,
                rent_free,
            )
        )
    await insert_rows(session, WEEK, WEEK_COLUMNS, values)
