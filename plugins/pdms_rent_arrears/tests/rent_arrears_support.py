"""Test support: generated fictional weekly reports written as real .xlsx/.csv files,
and a database with the declared lists, a person, places and officers to link to."""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import insert, select

from pdms_core.plugin import Base, global_id
from pdms_core.testing.actors import staff
from pdms_core.testing.lookups import sync_declared_lookups

HEADERS = [
    "Account Ref",
    "Tenant",
    "Property Address",
    "UPRN",
    "Weekly Rent",
    "Arrears Balance",
    "Last Payment Date",
    "Last Payment",
    "UC",
    "Patch",
]
FIRST_WEEK = date(2026, 9, 7)  # a Monday; eight weekly reports follow
WEEKS = [FIRST_WEEK + timedelta(weeks=n) for n in range(8)]

OFFICER = staff(
    "rent_arrears.account.read",
    "rent_arrears.report.import",
    "rent_arrears.account.assign",
    "rent_arrears.account.write",
    "rent_arrears.plan.open",
    "rent_arrears.settings.manage",
    "core.cases.read",
    "core.people.read",
    "core.places.read",
    name="Rita Rentwell",
)
READER = staff("rent_arrears.account.read", name="Reggie Reader")


@dataclass(frozen=True)
class Tenancy:
    reference: str
    tenant: str
    address: str
    uprn: str
    weekly_rent: float
    balances: tuple[float, ...]  # one per week, pounds; positive is owed
    universal_credit: bool = False
    patch: str = "east"


def report_rows(tenancies: list[Tenancy], week: int) -> list[list[Any]]:
    day = WEEKS[week]
    return [
        [
            t.reference,
            t.tenant,
            t.address,
            t.uprn,
            t.weekly_rent,
            t.balances[week],
            day - timedelta(days=3),
            t.weekly_rent,
            "Y" if t.universal_credit else "N",
            t.patch.capitalize(),
        ]
        for t in tenancies
    ]


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Arrears")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif value is None:
                continue
            else:
                sheet.write(r, c, value)
    workbook.close()
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row])
    return path


def upload(path: Path, report_date: date, *, replace: bool = False) -> dict[str, Any]:
    return {
        "input": {
            "fileName": path.name,
            "contentBase64": base64.b64encode(path.read_bytes()).decode(),
            "reportDate": report_date.isoformat(),
            "replace": replace,
        }
    }


IMPORT = """
mutation($input: RentArrearsImportInput!) {
  rentArrearsImportReport(input: $input) {
    report { reportDate rowCount }
    columns { field header matchedBy }
    rowErrors { row column reason }
    accountsCreated unlinkedAccounts
    errors { code field message }
  }
}
"""


async def prepared_database(db: Any, host: Any) -> dict[str, Any]:
    """Lists synced; two officers, a tenant with a tenancy reference, two places."""
    await sync_declared_lookups(db, host)
    tables = Base.metadata.tables
    async with db.sessionmaker() as session, session.begin():
        officers = {}
        for key, name in (("ann", "Ann Arrears"), ("bob", "Bob Balance")):
            result = await session.execute(
                insert(tables["staff_user"]).values(
                    email=f"{key}@council.invalid",
                    email_key=f"{key}@council.invalid",
                    display_name=name,
                )
            )
            officers[key] = result.inserted_primary_key[0]
        person = (
            await session.execute(
                insert(tables["person"]).values(forenames="Tilly", surname="Tenantson", version=1)
            )
        ).inserted_primary_key[0]
        values, sets = tables["lookup_value"], tables["lookup_set"]
        tenancy_type = await session.scalar(
            select(values.c.id)
            .join(sets, sets.c.id == values.c.set_id)
            .where(sets.c.code == "external_reference_type", values.c.code == "tenancy_reference")
        )
        await session.execute(
            insert(tables["external_reference"]).values(
                person_id=person, type_id=tenancy_type, value="RA001"
            )
        )
        by_uprn = (
            await session.execute(
                insert(tables["place"]).values(
                    uprn=100000000001, single_line_address="1 Fictional Row, Testville, TV1 1AA"
                )
            )
        ).inserted_primary_key[0]
        by_address = (
            await session.execute(
                insert(tables["place"]).values(
                    single_line_address="2 Fictional Row, Testville, TV1 1AA"
                )
            )
        ).inserted_primary_key[0]
    return {
        "officers": {k: global_id("StaffUser", v) for k, v in officers.items()},
        "person": global_id("Person", person),
        "place_by_uprn": global_id("Place", by_uprn),
        "place_by_address": global_id("Place", by_address),
    }


IMPORT_DETAILS = """
mutation($input: RentArrearsImportInput!) {
  rentArrearsImportReport(input: $input) {
    report { reportDate rowCount }
    rowErrors { row column reason }
    headerRow firstRows
    patchesCreated { code label }
    warnings { code message }
    errors { code field message }
  }
}
"""
PREVIEW_DETAILS = """
query($name: String!, $content: String!, $day: Date!) {
  rentArrearsPreviewReport(fileName: $name, contentBase64: $content, reportDate: $day) {
    headers rowCount headerRow headerFound firstRows newPatches
    rowErrors { row column reason }
    warnings { code message }
  }
}
"""
PDMS = Path(sys.executable).parent / "pdms"


def multipart(path: Path, report_date: date, *, query: str = IMPORT_DETAILS, replace: bool = False):
    """Keyword arguments of ``client.post`` sending ``path`` as a multipart file upload."""
    variables = {
        "input": {
            "fileName": path.name,
            "file": None,
            "reportDate": report_date.isoformat(),
            "replace": replace,
        }
    }
    kind = "text/csv" if path.suffix == ".csv" else "application/octet-stream"
    return {
        "data": {
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        "files": {"0": (path.name, path.read_bytes(), kind)},
    }


async def upload_file(client: Any, path: Path, report_date: date, **options: Any) -> dict:
    """Import ``path`` through a multipart upload; the payload of the import mutation."""
    answer = await client.post(**multipart(path, report_date, **options))
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]["rentArrearsImportReport"]


async def preview_file(client: Any, path: Path, report_date: date) -> dict:
    variables = {
        "name": path.name,
        "content": base64.b64encode(path.read_bytes()).decode(),
        "day": report_date.isoformat(),
    }
    return (await client.execute(PREVIEW_DETAILS, variables)).ok()["rentArrearsPreviewReport"]


def pdms(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed `pdms` command, production-like: no debug, settings from ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    return subprocess.run(
        [str(PDMS), *args], env={**clean, **env}, capture_output=True, text=True, timeout=120
    )
