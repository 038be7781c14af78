"""The module through the installed `pdms` command: present when enabled, absent when not."""

from __future__ import annotations

import getpass
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from rent_arrears_support import (
    HEADERS,
    OFFICER,
    WEEKS,
    Tenancy,
    prepared_database,
    report_rows,
    write_csv,
    write_xlsx,
)

from pdms_core.testing.actors import staff

PDMS = Path(sys.executable).parent / "pdms"
TENANCIES = [
    Tenancy("RA401", "Cli Example", "9 Command Way", "", 100, (250,)),
    Tenancy("RA402", "Dot Example", "10 Command Way", "", 80, (-5,)),
]


def pdms(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Production-like: no debug, the database from the environment.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    return subprocess.run(
        [str(PDMS), *args], env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


async def test_import_and_overview_from_the_command_line(
    graphql, pdms_db, pdms_host, pdms_settings, tmp_path
):
    await prepared_database(pdms_db, pdms_host)
    url = pdms_settings.database_url
    good = write_xlsx(tmp_path / "week.xlsx", HEADERS, report_rows(TENANCIES, 0))
    bad = write_csv(
        tmp_path / "bad.csv", HEADERS, [[*report_rows(TENANCIES, 0)[0][:5], "n/a", *[""] * 4]]
    )

    preview = pdms(
        "rent_arrears",
        "preview",
        str(good),
        "--report-date",
        WEEKS[0].isoformat(),
        PDMS_DATABASE_URL=url,
    )
    assert preview.returncode == 0, preview.stderr
    assert "Balance: 'Arrears Balance' (recognised) [required]" in preview.stdout
    assert "2 rows pass the checks, 0 problem(s)" in preview.stdout

    refused = pdms(
        "rent_arrears",
        "import",
        str(bad),
        "--report-date",
        WEEKS[0].isoformat(),
        PDMS_DATABASE_URL=url,
    )
    assert refused.returncode != 0
    assert "row 2, Balance: 'n/a' is not an amount of money" in refused.stderr
    assert refused.stderr.splitlines()[-1] == "error: 1 problem(s); nothing was imported"

    done = pdms(
        "rent_arrears",
        "import",
        str(good),
        "--report-date",
        WEEKS[0].isoformat(),
        PDMS_DATABASE_URL=url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"imported 2 accounts for {WEEKS[0].isoformat()} (2 new, 2 not linked to a person or place)"
    )
    overview = pdms("rent_arrears", "overview", PDMS_DATABASE_URL=url)
    assert overview.stdout.splitlines()[0] == (
        f"{WEEKS[0].isoformat()}: 2 accounts, 1 in arrears, £250.00 owed"
    )

    # and both attempts are in the audit trail, as an import through the API would be
    auditor = graphql.as_actor(staff("core.audit.read"))
    trail = await auditor.execute(
        "query($actor: String!) { auditEvents(filter: {actorId: $actor}) "
        "{ nodes { action outcome targetType } } }",
        {"actor": f"cli:{getpass.getuser()}"},
    )
    assert sorted(
        (row["action"], row["outcome"], row["targetType"])
        for row in trail.ok()["auditEvents"]["nodes"]
    ) == [
        ("rentArrearsImportReport", "ok", "ReportImport"),
        ("rentArrearsImportReport", "rejected", None),
    ]

    # and the import is what the API sees
    result = await graphql.as_actor(OFFICER).execute(
        "{ rentArrearsOverview { accounts inArrears bySegment { key accounts } } }"
    )
    data = result.ok()["rentArrearsOverview"]
    assert (data["accounts"], data["inArrears"]) == (2, 1)
    assert {f["key"]: f["accounts"] for f in data["bySegment"]}["new"] == 1


def test_core_without_the_module_has_none_of_it(tmp_path):
    # given a fresh database migrated with the module disabled
    env = {"PDMS_DATA_DIR": str(tmp_path), "PDMS_DISABLED_PLUGINS": "rent_arrears"}
    assert pdms("db", "upgrade", **env).returncode == 0
    assert pdms("lookups", "sync", **env).returncode == 0

    # then no table, list, type, field or command of the module exists
    with sqlite3.connect(tmp_path / "pdms.sqlite3") as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        lists = [r[0] for r in db.execute("select code from lookup_set")]
    assert "place" in tables and not [t for t in tables if t.startswith("rent_arrears")]
    assert "external_reference_type" in lists and not [c for c in lists if "rent_arrears" in c]
    schema = pdms("schema", "export", "-o", "-", **env).stdout
    assert "type Place" in schema and "RentArrears" not in schema and "rentArrears" not in schema
    assert pdms("rent_arrears", "--help", **env).returncode != 0

    # and enabling it adds its branch, lists and schema
    enabled = {"PDMS_DATA_DIR": str(tmp_path)}
    assert pdms("db", "upgrade", **enabled).returncode == 0
    with sqlite3.connect(tmp_path / "pdms.sqlite3") as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
    assert "rent_arrears_account_week" in tables
    assert pdms("lookups", "sync", **enabled).returncode == 0
    assert "rent_arrears.patch" in pdms("lookups", "show", **enabled).stdout
    assert "type RentArrearsAccount" in pdms("schema", "export", "-o", "-", **enabled).stdout
