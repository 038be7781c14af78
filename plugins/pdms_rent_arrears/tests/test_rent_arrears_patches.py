"""A patch the report names that is not on the patch list: added to the list, or (where
the council's settings say so) refused once per patch with the rows naming it."""

from __future__ import annotations

import dataclasses

import pytest
from rent_arrears_support import (
    HEADERS,
    OFFICER,
    WEEKS,
    Tenancy,
    pdms,
    prepared_database,
    preview_file,
    report_rows,
    upload_file,
    write_csv,
)

from pdms_core.app import create_app
from pdms_core.host import PluginHost
from pdms_core.testing.client import GraphQLClient

ACCOUNTS = "{ rentArrearsAccounts(first: 100) { nodes { reference patch { code label } } } }"


def _tenancies(count: int, patch: str) -> list[Tenancy]:
    return [
        Tenancy(f"RA{n:05d}", f"Tenant {n}", f"{n} Patch Road", "", 100, (50, 60), patch=patch)
        for n in range(count)
    ]


@pytest.fixture
def refusing(pdms_db, pdms_host, pdms_test_actors):
    """A client of an app whose rent arrears settings refuse unknown patches."""
    plugins = [
        dataclasses.replace(p, settings=p.settings.model_copy(update={"unknown_patches": "refuse"}))
        if p.name == "rent_arrears"
        else p
        for p in pdms_host.plugins
    ]
    host = PluginHost(pdms_host.settings, plugins, pdms_host.installed, pdms_host.pm)
    yield GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)
    pdms_test_actors.reset()


async def test_an_unknown_patch_joins_the_patch_list(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    tenancies = _tenancies(2, "riverside estate")
    rows = report_rows(tenancies, 0)
    rows[0][HEADERS.index("Patch")] = "Riverside Estate"
    rows.append(["RA09999", "Nia Example", "9 Patch Road", "", 100, 0, None, None, "N", "North"])
    path = write_csv(tmp_path / "week1.csv", HEADERS, rows)

    # given a report naming a patch the council's list lacks (spelt two ways)
    preview = await preview_file(officer, path, WEEKS[0])
    assert preview["newPatches"] == ["Riverside Estate"] and preview["rowErrors"] == []

    # when it is imported
    done = await upload_file(officer, path, WEEKS[0])

    # then the patch is added to the list once, and the accounts are in it
    assert done["rowErrors"] == [] and done["report"]["rowCount"] == 3
    assert done["patchesCreated"] == [{"code": "riverside_estate", "label": "Riverside Estate"}]
    accounts = (await officer.execute(ACCOUNTS)).ok()["rentArrearsAccounts"]["nodes"]
    assert {a["reference"]: a["patch"]["code"] for a in accounts} == {
        "RA00000": "riverside_estate",
        "RA00001": "riverside_estate",
        "RA09999": "north",
    }

    # and next week's report uses the new value
    again = write_csv(tmp_path / "week2.csv", HEADERS, report_rows(tenancies, 1))
    second = await upload_file(officer, again, WEEKS[1])
    assert second["rowErrors"] == [] and second["patchesCreated"] == []


async def test_refused_unknown_patches_are_one_error_each(refusing, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = refusing.as_actor(OFFICER)
    rows = [*report_rows(_tenancies(2000, "zed"), 0), *report_rows(_tenancies(1, "Wye"), 0)]
    rows[-1][0] = "RA99999"
    path = write_csv(tmp_path / "week1.csv", HEADERS, rows)

    # given a council that refuses unknown patches, and 2,000 rows of one unknown patch
    refused = await upload_file(officer, path, WEEKS[0])

    # then the report is refused with one error per unknown patch, naming its rows
    assert refused["report"] is None
    assert refused["rowErrors"] == [
        {"row": 2, "column": "Patch", "reason": "unknown patch 'Zed' on 2000 row(s): 2-2001"},
        {"row": 2002, "column": "Patch", "reason": "unknown patch 'Wye' on 1 row(s): 2002"},
    ]
    assert (await officer.execute(ACCOUNTS)).ok()["rentArrearsAccounts"]["nodes"] == []


async def test_the_command_line_follows_the_setting(
    graphql, pdms_db, pdms_host, pdms_settings, tmp_path
):
    await prepared_database(pdms_db, pdms_host)
    url = pdms_settings.database_url
    path = write_csv(tmp_path / "week1.csv", HEADERS, report_rows(_tenancies(3, "zed"), 0))
    day = WEEKS[0].isoformat()

    refused = pdms(
        "rent_arrears",
        "import",
        str(path),
        "--report-date",
        day,
        PDMS_DATABASE_URL=url,
        PDMS_RENT_ARREARS__UNKNOWN_PATCHES="refuse",
    )
    assert refused.returncode != 0
    assert "row 2, Patch: unknown patch 'Zed' on 3 row(s): 2-4" in refused.stderr

    done = pdms("rent_arrears", "import", str(path), "--report-date", day, PDMS_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert "new patches: Zed" in done.stdout
