"""Reports with a title block above the header row (report name, run date, blank lines):
the header is found, or the saved mapping names its row, or the rows as read are shown."""

from __future__ import annotations

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
    write_xlsx,
)

TENANCIES = [
    Tenancy("RA501", "Hal Example", "1 Title Street", "", 100, (250,)),
    Tenancy("RA502", "Ivy Example", "2 Title Street", "", 80, (-5,)),
]
TITLE = [["Run on 07/09/2026 by the housing system"], []]
SAVE_MAPPING = """
mutation($columns: [RentArrearsColumnInput!]!, $headerRow: Int) {
  rentArrearsSaveColumnMapping(columns: $columns, headerRow: $headerRow) {
    headerRow
    errors { code field }
  }
}
"""
ODD_HEADERS = ["Tenancy No", "Rent Due Weekly", "Owed"]
ODD_MAPPING = [
    {"field": "account_reference", "header": "Tenancy No"},
    {"field": "weekly_rent", "header": "Rent Due Weekly"},
    {"field": "balance", "header": "Owed"},
]


def titled_xlsx(path, rows):
    # Row 1 the report's name, row 2 the run date, row 3 blank, row 4 the headers.
    return write_xlsx(path, ["Weekly arrears report"], [*TITLE, HEADERS, *rows])


async def test_the_header_row_below_a_title_block_is_found(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    rows = report_rows(TENANCIES, 0)
    bad = [rows[0], [*rows[1][:5], "n/a", *rows[1][6:]]]

    # given an export whose headers are on row 4, under a title block
    refused = await upload_file(officer, titled_xlsx(tmp_path / "bad.xlsx", bad), WEEKS[0])
    # then its rows are checked, numbered as in the spreadsheet
    assert refused["report"] is None
    assert refused["headerRow"] == 4
    assert refused["rowErrors"] == [
        {"row": 6, "column": "Balance", "reason": "'n/a' is not an amount of money"}
    ]

    # and the corrected export imports
    done = await upload_file(officer, titled_xlsx(tmp_path / "good.xlsx", rows), WEEKS[0])
    assert done["errors"] == [] and done["rowErrors"] == []
    assert done["report"] == {"reportDate": WEEKS[0].isoformat(), "rowCount": 2}
    assert done["headerRow"] == 4 and done["firstRows"] == []


async def test_no_header_found_shows_the_rows_as_read(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    data = [["RA601", "90", "45"]]
    path = write_csv(tmp_path / "odd.csv", ["Weekly arrears report"], [*TITLE, ODD_HEADERS, *data])
    as_read = [["Weekly arrears report"], *TITLE, ODD_HEADERS, *data]

    # given headers the module does not know, under a title block
    preview = await preview_file(officer, path, WEEKS[0])
    # then the preview and the import say no header was found and show the rows as read
    assert (preview["headerFound"], preview["headerRow"]) == (False, 1)
    assert preview["firstRows"] == as_read
    refused = await upload_file(officer, path, WEEKS[0])
    assert refused["report"] is None and refused["firstRows"] == as_read
    assert {e["column"] for e in refused["rowErrors"]} == {
        "Account reference",
        "Weekly rent",
        "Balance",
    }

    # when the officer saves the mapping with the header row
    saved = await officer.execute(SAVE_MAPPING, {"columns": ODD_MAPPING, "headerRow": 4})
    assert saved.ok()["rentArrearsSaveColumnMapping"] == {"headerRow": 4, "errors": []}
    # then the file imports
    done = await upload_file(officer, path, WEEKS[0])
    assert done["errors"] == [] and done["rowErrors"] == []
    assert (done["report"]["rowCount"], done["headerRow"]) == (1, 4)

    # and a saved row that holds no headers is refused, with the rows as read
    await officer.execute(SAVE_MAPPING, {"columns": ODD_MAPPING, "headerRow": 2})
    wrong = await upload_file(officer, path, WEEKS[1])
    assert (wrong["report"], wrong["headerRow"], wrong["firstRows"]) == (None, 2, as_read)
    assert wrong["rowErrors"][0]["row"] == 2

    # and a header row that is no row number is a validation error
    zero = await officer.execute(SAVE_MAPPING, {"columns": ODD_MAPPING, "headerRow": 0})
    assert zero.ok()["rentArrearsSaveColumnMapping"]["errors"] == [
        {"code": "VALIDATION", "field": "headerRow"}
    ]


async def test_the_command_line_finds_the_header_row(
    graphql, pdms_db, pdms_host, pdms_settings, tmp_path
):
    await prepared_database(pdms_db, pdms_host)
    url = pdms_settings.database_url
    path = titled_xlsx(tmp_path / "titled.xlsx", report_rows(TENANCIES, 0))
    day = WEEKS[0].isoformat()

    preview = pdms(
        "rent_arrears", "preview", str(path), "--report-date", day, PDMS_DATABASE_URL=url
    )
    assert preview.returncode == 0, preview.stderr
    assert "header row: 4" in preview.stdout
    assert "2 rows pass the checks, 0 problem(s)" in preview.stdout

    done = pdms("rent_arrears", "import", str(path), "--report-date", day, PDMS_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"imported 2 accounts for {day}")

    # and without known headers the command prints the rows as read
    odd = write_csv(tmp_path / "odd.csv", ["Weekly arrears report"], [*TITLE, ODD_HEADERS])
    later = WEEKS[1].isoformat()
    refused = pdms(
        "rent_arrears", "import", str(odd), "--report-date", later, PDMS_DATABASE_URL=url
    )
    assert refused.returncode != 0
    assert "no header row found; the first rows as read:" in refused.stderr
    assert "  4: Tenancy No | Rent Due Weekly | Owed" in refused.stderr
