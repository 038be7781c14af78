"""Contractor returns: completed gas checks and EICRs in bulk, all rows or none.

One row per EICR, and one per result line of a gas safety record: a gas certificate's
rows share its number and its certificate-level cells (date, engineer, Gas Safe number,
contractor, copy given, CO alarm), and each names its appliance by ``appliance_id`` or
by ``appliance_location`` and ``appliance_type`` (codes or labels), with an optional
``defect`` code and ``defect_notes``.

Columns (headers in any order and case; spaces or hyphens for underscores): ``type``
(gas or eicr), ``uprn`` or ``property_reference`` (the home), ``date``,
``certificate_number``, ``engineer``, ``gas_safe_number`` (gas), ``result`` (gas: an
appliance result code; eicr: satisfactory or unsatisfactory as the summary says),
``observations`` (eicr: codes such as ``C2;C3``), and optionally ``contractor`` (a
gas_electric.contractor code), ``copy_given_on``, ``co_alarm_tested`` (yes/no) and
``remedial_action``.

Every row is checked before anything is written: one error per problem, by row and
column; any error and nothing is stored. A certificate already recorded for its home is
left alone, so a return imported twice adds nothing the second time. ``preview`` checks
and counts without writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from pdms_core.plugin import (
    Actor,
    ValidationFailed,
    chunks,
    core_tables,
    insert_rows,
    lookup_values,
    today,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_gas_electric import eicrs
from pdms_gas_electric.checks import rechain
from pdms_gas_electric.lists import CONTRACTOR, DEFECT
from pdms_gas_electric.models import (
    OBSERVATION_CODES,
    OUTCOMES,
    Eicr,
    EicrObservation,
    GasCheck,
    GasCheckResult,
    Home,
)
from pdms_gas_electric.reading import read_rows
from pdms_gas_electric.return_appliances import (
    KnownAppliance,
    appliance_number,
    appliances_of,
    pick,
)
from pdms_gas_electric.servicing import Recorded, service_jobs

PLACE = core_tables.place
REQUIRED = ("type", "date", "certificate_number", "engineer", "result")
APPLIANCE_COLUMNS = ("appliance_id", "appliance_location", "appliance_type")
#: A gas certificate's cells every one of its rows repeats.
CERTIFICATE_CELLS = (
    ("on", "date"),
    ("engineer", "engineer"),
    ("gas_safe", "gas_safe_number"),
    ("contractor", "contractor"),
    ("copy_given_on", "copy_given_on"),
    ("co_alarm_tested", "co_alarm_tested"),
)
KNOWN = (
    *REQUIRED,
    "uprn",
    "property_reference",
    "gas_safe_number",
    "observations",
    "contractor",
    "copy_given_on",
    "co_alarm_tested",
    "remedial_action",
    *APPLIANCE_COLUMNS,
    "defect",
    "defect_notes",
)
ALIASES = {
    "reference": "property_reference",
    "inspector": "engineer",
    "report_number": "certificate_number",
    "certificate": "certificate_number",
    "checked_on": "date",
}
YES = {"y", "yes", "true", "1"}
NO = {"", "n", "no", "false", "0"}
STATED = {"satisfactory": True, "unsatisfactory": False}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ReturnOutcome:
    preview: bool
    rows: int = 0
    gas_checks: int = 0
    eicrs: int = 0
    already_imported: int = 0
    row_errors: list[RowError] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.preview and not self.row_errors


@dataclass
class _Row:
    number: int
    kind: str
    home_key: tuple[str, Any]
    on: date
    certificate: str
    engineer: str
    gas_safe: str
    result: str
    codes: tuple[str, ...]
    contractor: str | None
    copy_given_on: date | None
    co_alarm_tested: bool
    remedial_action: str
    appliance_number: int | None = None
    appliance_type: str = ""
    appliance_location: str = ""
    defect: str | None = None
    defect_notes: str = ""
    home_id: int | None = None
    appliance_id: int | None = None


def _header(text: object) -> str:
    name = re.sub(r"[\s\-]+", "_", str(text or "").strip().lower())
    return ALIASES.get(name, name)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _RowReader:
    def __init__(self, number: int, cells: dict[str, Any], errors: list[RowError]):
        self.number, self.cells, self.errors = number, cells, errors

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str, *, required: bool = False, limit: int = 100) -> str:
        value = _text(self.cells.get(column))
        if required and not value:
            self.fail(column, "This is required.")
        elif len(value) > limit:
            self.fail(column, f"At most {limit} characters.")
        return value

    def day(self, column: str, *, required: bool = False) -> date | None:
        raw = self.cells.get(column)
        if not _text(raw):
            if required:
                self.fail(column, "This is required.")
            return None
        try:
            found = _date(raw)
        except ValueError:
            self.fail(column, f"{_text(raw)!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY).")
            return None
        if found > today():
            self.fail(column, "The date is in the future.")
        return found


def _parse(number: int, cells: dict[str, Any], errors: list[RowError]) -> _Row | None:
    r = _RowReader(number, cells, errors)
    before = len(errors)
    kind = r.text("type", required=True).lower()
    if kind and kind not in ("gas", "eicr"):
        r.fail("type", f"{kind!r} is not a record type; use gas or eicr.")
    uprn, reference = r.text("uprn"), r.text("property_reference", limit=30).upper()
    home_key: tuple[str, Any] = ("ref", reference)
    if uprn:
        if not uprn.isdigit() or len(uprn) > 12:
            r.fail("uprn", f"{uprn!r} is not a UPRN (up to 12 digits).")
        home_key = ("uprn", int(uprn) if uprn.isdigit() else 0)
    elif not reference:
        r.fail("uprn", "Give the home's UPRN or property reference.")
    on = r.day("date", required=True)
    certificate = r.text("certificate_number", required=True, limit=40).upper()
    engineer = r.text("engineer", required=True)
    result = r.text("result", required=True).lower()
    gas_safe, codes = r.text("gas_safe_number"), ()
    if kind == "gas":
        if not (gas_safe.isdigit() and 6 <= len(gas_safe) <= 7):
            r.fail("gas_safe_number", "A Gas Safe registration number is 6 or 7 digits.")
        if result and result not in OUTCOMES:
            r.fail("result", f"{result!r} is not a result; use one of {', '.join(OUTCOMES)}.")
    elif kind == "eicr":
        if result and result not in STATED:
            r.fail(
                "result", f"{result!r} is not an EICR result; use satisfactory or unsatisfactory."
            )
        codes = tuple(c for c in re.split(r"[;,\s]+", r.text("observations").upper()) if c)
        unknown = [c for c in codes if c not in OBSERVATION_CODES]
        if unknown:
            r.fail("observations", f"{', '.join(unknown)}: codes are C1, C2, C3 and FI.")
    tested = r.text("co_alarm_tested").lower()
    if tested not in YES | NO:
        r.fail("co_alarm_tested", "Use yes or no.")
    copy_given_on = r.day("copy_given_on")
    if copy_given_on and on and copy_given_on < on:
        r.fail("copy_given_on", "A copy cannot be given before the check.")
    remedial = r.text("remedial_action", limit=4000)
    contractor = r.text("contractor").lower() or None
    line = _result_line(r, kind)
    if len(errors) > before:
        return None
    return _Row(
        number,
        kind,
        home_key,
        on,
        certificate,
        engineer,
        gas_safe,
        result,
        codes,
        contractor,
        copy_given_on,
        tested in YES,
        remedial,
        **line,
    )


def _result_line(r: _RowReader, kind: str) -> dict[str, Any]:
    """The appliance a gas result line names, and its defect."""
    line: dict[str, Any] = {
        "appliance_type": r.text("appliance_type").lower(),
        "appliance_location": r.text("appliance_location").lower(),
        "defect": r.text("defect").lower() or None,
        "defect_notes": r.text("defect_notes", limit=4000),
    }
    number = r.text("appliance_id")
    if number:
        try:
            line["appliance_number"] = appliance_number(number)
        except ValueError:
            r.fail("appliance_id", f"{number!r} is not an appliance id.")
    if kind == "eicr":
        for column in (*APPLIANCE_COLUMNS, "defect", "defect_notes"):
            if r.text(column):
                r.fail(column, "Appliances and defects are on gas rows only.")
    return line


async def _homes(session: AsyncSession, rows: list[_Row]) -> None:
    uprns = sorted({r.home_key[1] for r in rows if r.home_key[0] == "uprn"})
    refs = sorted({r.home_key[1] for r in rows if r.home_key[0] == "ref"})
    found: dict[tuple[str, Any], int] = {}
    for part in chunks(uprns):
        result = await session.execute(
            select(PLACE.c.uprn, Home.id)
            .join(Home, Home.place_id == PLACE.c.id)
            .where(PLACE.c.uprn.in_(part))
        )
        found.update({("uprn", uprn): home_id for uprn, home_id in result})
    for part in chunks(refs):
        result = await session.execute(
            select(Home.property_reference, Home.id).where(Home.property_reference.in_(part))
        )
        found.update({("ref", ref): home_id for ref, home_id in result})
    for row in rows:
        row.home_id = found.get(row.home_key)


async def _existing(session: AsyncSession, home_ids: list[int]) -> set[tuple[str, int, str]]:
    seen: set[tuple[str, int, str]] = set()
    for part in chunks(home_ids):
        for kind, model, column in (
            ("gas", GasCheck, GasCheck.certificate_number),
            ("eicr", Eicr, Eicr.report_number),
        ):
            result = await session.execute(
                select(model.home_id, column).where(model.home_id.in_(part))
            )
            seen.update((kind, home_id, number) for home_id, number in result)
    return seen


async def import_return(
    session: AsyncSession,
    actor: Actor,
    *,
    content: bytes,
    file_name: str,
    max_bytes: int,
    preview: bool = False,
) -> ReturnOutcome:
    """Check every row, then store the new certificates in one transaction (or none)."""
    table = read_rows(content, file_name, max_bytes=max_bytes)
    headers = [_header(cell) for cell in table[0]]
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise ValidationFailed(f"The file has no column {', '.join(missing)}.", field="file")
    outcome = ReturnOutcome(preview=preview, rows=len(table) - 1)
    errors = outcome.row_errors
    parsed = [
        _parse(number, dict(zip(headers, cells, strict=False)), errors)
        for number, cells in enumerate(table[1:], start=2)
    ]
    rows = [row for row in parsed if row is not None]
    await _homes(session, rows)
    contractors = {v.code: v.id for v in await lookup_values(session, CONTRACTOR)}
    defects = {v.code: v.id for v in await lookup_values(session, DEFECT)}
    existing = await _existing(session, sorted({r.home_id for r in rows if r.home_id}))
    appliances = await appliances_of(
        session, [r.home_id for r in rows if r.home_id and r.kind == "gas" and _names_appliance(r)]
    )
    certificates: dict[tuple[str, int, str], list[_Row]] = {}
    counted: set[tuple[str, int, str]] = set()
    for row in rows:
        if row.home_id is None:
            column = "uprn" if row.home_key[0] == "uprn" else "property_reference"
            errors.append(RowError(row.number, column, f"No home has {row.home_key[1]!r}."))
            continue
        if row.contractor is not None and row.contractor not in contractors:
            errors.append(
                RowError(
                    row.number, "contractor", f"{row.contractor!r} is not a contractor on the list."
                )
            )
            continue
        if row.kind == "gas":
            _appliance_and_defect(row, appliances.get(row.home_id, []), defects, errors)
        key = (row.kind, row.home_id, row.certificate)
        if key in existing:
            outcome.already_imported += int(key not in counted)
            counted.add(key)
        elif key in certificates:
            _another_line(row, certificates[key], errors)
            certificates[key].append(row)
        else:
            certificates[key] = [row]
    errors.sort(key=lambda e: (e.row, e.column))
    new = list(certificates.values())
    outcome.gas_checks = sum(1 for lines in new if lines[0].kind == "gas")
    outcome.eicrs = len(new) - outcome.gas_checks
    if outcome.imported:
        await _store(session, actor, new, contractors, defects)
    return outcome


def _appliance_and_defect(
    row: _Row, known: list[KnownAppliance], defects: dict[str, int], errors: list[RowError]
) -> None:
    if row.defect is not None and row.defect not in defects:
        errors.append(RowError(row.number, "defect", f"{row.defect!r} is not a defect code."))
    if row.appliance_number is not None:
        if any(a.id == row.appliance_number for a in known):
            row.appliance_id = row.appliance_number
        else:
            errors.append(
                RowError(
                    row.number, "appliance_id", f"The home has no appliance {row.appliance_number}."
                )
            )
    elif row.appliance_type or row.appliance_location:
        row.appliance_id, problem = pick(known, row.on, row.appliance_type, row.appliance_location)
        if problem:
            column = "appliance_type" if row.appliance_type else "appliance_location"
            errors.append(RowError(row.number, column, problem))


def _names_appliance(row: _Row) -> bool:
    return bool(row.appliance_number is not None or row.appliance_type or row.appliance_location)


def _another_line(row: _Row, lines: list[_Row], errors: list[RowError]) -> None:
    """A further row of a certificate already in the file: a gas result line that agrees
    with the certificate's first row and names another appliance."""
    first = lines[0]
    if row.kind == "eicr" or not _names_appliance(row) or not _names_appliance(first):
        # nothing tells the lines apart: the same certificate sent twice
        errors.append(
            RowError(row.number, "certificate_number", "The certificate is in the file twice.")
        )
        return
    for attribute, column in CERTIFICATE_CELLS:
        if getattr(row, attribute) != getattr(first, attribute):
            errors.append(
                RowError(
                    row.number, column, f"Differs from row {first.number} of the same certificate."
                )
            )
    if row.appliance_id is not None and any(
        line.appliance_id == row.appliance_id for line in lines
    ):
        errors.append(
            RowError(
                row.number, "appliance_id", "The appliance has two results on this certificate."
            )
        )


async def _store(
    session: AsyncSession,
    actor: Actor,
    certificates: list[list[_Row]],
    contractors: dict[str, int],
    defects: dict[str, int],
) -> None:
    by = f"{actor.display_name} (contractor return)"
    gas = [lines[0] for lines in certificates if lines[0].kind == "gas"]
    reports = [lines[0] for lines in certificates if lines[0].kind == "eicr"]
    year = relativedelta(months=12)
    await insert_rows(
        session,
        GasCheck.__table__,
        [
            "home_id",
            "checked_on",
            "certificate_number",
            "engineer_name",
            "gas_safe_number",
            "contractor_id",
            "co_alarm_tested",
            "copy_given_on",
            "next_due_on",
            "recorded_by",
        ],
        [
            (
                r.home_id,
                r.on,
                r.certificate,
                r.engineer,
                r.gas_safe,
                contractors.get(r.contractor),
                r.co_alarm_tested,
                r.copy_given_on,
                r.on + year,
                by,
            )
            for r in gas
        ],
    )
    ids = await _ids(session, GasCheck, GasCheck.certificate_number, gas)
    await insert_rows(
        session,
        GasCheckResult.__table__,
        [
            "check_id",
            "appliance_id",
            "outcome",
            "defect_id",
            "defect_notes",
            "remedial_action",
            "position",
        ],
        [
            (
                ids[(line.home_id, line.certificate)],
                line.appliance_id,
                line.result,
                defects.get(line.defect),
                line.defect_notes,
                line.remedial_action,
                position,
            )
            for lines in certificates
            if lines[0].kind == "gas"
            for position, line in enumerate(lines)
        ],
    )
    await insert_rows(
        session,
        Eicr.__table__,
        [
            "home_id",
            "inspected_on",
            "report_number",
            "inspector_name",
            "contractor_id",
            "stated_satisfactory",
            "satisfactory",
            "next_due_on",
            "remedial_due_on",
            "copy_given_on",
            "recorded_by",
        ],
        [_eicr_values(r, contractors, by) for r in reports],
    )
    ids = await _ids(session, Eicr, Eicr.report_number, reports)
    await insert_rows(
        session,
        EicrObservation.__table__,
        ["eicr_id", "code", "description", "position"],
        [
            (ids[(r.home_id, r.certificate)], code, "", n)
            for r in reports
            for n, code in enumerate(r.codes)
        ],
    )
    if gas:
        await rechain(session, sorted({r.home_id for r in gas}))
        checked = [_recorded("Gas safety record", r) for r in gas]
        await service_jobs(session, actor, "gas", checked, by)
    if reports:
        await eicrs.refresh_eicr_dates(session, sorted({r.home_id for r in reports}))
        inspected = [_recorded("EICR", r) for r in reports]
        await service_jobs(session, actor, "electrical", inspected, by)


def _recorded(what: str, r: _Row) -> Recorded:
    return Recorded(r.home_id, r.on, f"{what} {r.certificate} of {r.on.isoformat()} recorded.")


def _eicr_values(r: _Row, contractors: dict[str, int], by: str) -> tuple[Any, ...]:
    satisfactory = eicrs.is_satisfactory(r.codes)
    return (
        r.home_id,
        r.on,
        r.certificate,
        r.engineer,
        contractors.get(r.contractor),
        STATED[r.result],
        satisfactory,
        eicrs.next_inspection(r.on, None),
        None if satisfactory else eicrs.remedial_deadline(r.on, None),
        r.copy_given_on,
        by,
    )


async def _ids(
    session: AsyncSession, model: Any, number: Any, rows: list[_Row]
) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}
    wanted = {(r.home_id, r.certificate) for r in rows}
    for part in chunks(sorted({r.home_id for r in rows})):
        result = await session.execute(
            select(model.home_id, number, model.id).where(model.home_id.in_(part))
        )
        found.update({(h, n): i for h, n, i in result if (h, n) in wanted})
    return found
