"""Malformed reports are refused with row-level errors and change nothing."""

from __future__ import annotations

from datetime import date

from rent_arrears_support import (
    HEADERS,
    IMPORT,
    OFFICER,
    WEEKS,
    prepared_database,
    upload,
    write_csv,
    write_xlsx,
)

ROWS = [
    [
        "RA101",
        "Amy Example",
        "10 Sample Street",
        "",
        95.5,
        120.25,
        date(2026, 9, 4),
        95.5,
        "N",
        "North",
    ],
    ["RA102", "Ben Example", "11 Sample Street", "", 101, 0, date(2026, 9, 1), 101, "Y", "South"],
    ["RA103", "Cat Example", "12 Sample Street", "", 88, -15, None, None, "", ""],
]
STATE = """
{
  rentArrearsSeries(weeks: 8) { reportDate accounts arrearsPence }
  rentArrearsAccounts(first: 100) { nodes { reference tenantName version latestWeek { balancePence } } }
}
"""  # noqa: E501
PREVIEW = """
query($name: String!, $content: String!, $day: Date!) {
  rentArrearsPreviewReport(fileName: $name, contentBase64: $content, reportDate: $day) {
    headers rowCount sampleRows
    columns { field header matchedBy }
    rowErrors { row column reason }
  }
}
"""
SAVE_MAPPING = """
mutation($columns: [RentArrearsColumnInput!]!) {
  rentArrearsSaveColumnMapping(columns: $columns) { columns { field header } errors { code } }
}
"""


def changed(rows, index, column, value):
    copy = [list(r) for r in rows]
    copy[index][HEADERS.index(column)] = value
    return copy


async def test_malformed_reports_are_refused_row_by_row(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    first = write_xlsx(tmp_path / "week1.xlsx", HEADERS, ROWS)
    done = (await officer.execute(IMPORT, upload(first, WEEKS[0]))).ok()
    assert done["rentArrearsImportReport"]["report"]["rowCount"] == 3
    before = (await officer.execute(STATE)).ok()
    assert before["rentArrearsSeries"] == [
        {"reportDate": WEEKS[0].isoformat(), "accounts": 3, "arrearsPence": 12025}
    ]

    no_balance = [h for h in HEADERS if h != "Arrears Balance"]
    cases = {
        "missing column": (
            write_xlsx(
                tmp_path / "missing.xlsx",
                no_balance,
                [
                    [v for h, v in zip(HEADERS, r, strict=True) if h != "Arrears Balance"]
                    for r in ROWS
                ],
            ),
            [{"row": 1, "column": "Balance", "reason": "no column matches this required field"}],
        ),
        "text in money": (
            write_xlsx(tmp_path / "money.xlsx", HEADERS, changed(ROWS, 1, "Weekly Rent", "lots")),
            [{"row": 3, "column": "Weekly rent", "reason": "'lots' is not an amount of money"}],
        ),
        "amount out of range": (
            write_csv(
                tmp_path / "huge.csv", HEADERS, changed(ROWS, 2, "Arrears Balance", "1e999999")
            ),
            [
                {
                    "row": 4,
                    "column": "Balance",
                    "reason": "'1e999999' is not an amount of money up to £10,000,000",
                }
            ],
        ),
        "duplicate account": (
            write_csv(tmp_path / "duplicate.csv", HEADERS, [*ROWS, ROWS[0]]),
            [{"row": 5, "column": "Account reference", "reason": "account RA101 is also on row 2"}],
        ),
        "wrong dates": (
            write_csv(
                tmp_path / "dates.csv",
                HEADERS,
                changed(
                    changed(ROWS, 0, "Last Payment Date", "31/02/2026"),
                    1,
                    "Last Payment Date",
                    date(2026, 9, 20),
                ),
            ),
            [
                {
                    "row": 2,
                    "column": "Last payment date",
                    "reason": "'31/02/2026' is not a date (use 2026-01-31 or 31/01/2026)",
                },
                {"row": 3, "column": "Last payment date", "reason": "after the report date"},
            ],
        ),
    }
    for name, (path, expected) in cases.items():
        # when a malformed file is imported for the next week
        result = (await officer.execute(IMPORT, upload(path, WEEKS[1]))).ok()
        payload = result["rentArrearsImportReport"]
        # then it is refused with the row-level errors, and nothing changed
        assert payload["report"] is None, name
        assert payload["rowErrors"] == expected, name
        assert (await officer.execute(STATE)).ok() == before, name

    # and files that are not what their names say are refused before parsing
    disguised = tmp_path / "disguised.xlsx"
    disguised.write_bytes(write_csv(tmp_path / "plain.csv", HEADERS, ROWS).read_bytes())
    notes = tmp_path / "notes.txt"
    notes.write_text("not a report", encoding="utf-8")
    for path, message in (
        (disguised, "The file is not an .xlsx workbook."),
        (notes, "Upload an .xlsx or .csv file."),
    ):
        refused = (await officer.execute(IMPORT, upload(path, WEEKS[1]))).ok()
        assert refused["rentArrearsImportReport"]["errors"] == [
            {"code": "VALIDATION", "field": "file", "message": message}
        ]
    assert (await officer.execute(STATE)).ok() == before

    # and a report date in the future is refused outright
    future = await officer.execute(IMPORT, upload(first, date(2099, 1, 5)))
    assert future.ok()["rentArrearsImportReport"]["errors"][0]["field"] == "reportDate"


async def test_a_week_imports_once_unless_replaced(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    path = write_xlsx(tmp_path / "week1.xlsx", HEADERS, ROWS)
    assert (await officer.execute(IMPORT, upload(path, WEEKS[0]))).ok()["rentArrearsImportReport"][
        "errors"
    ] == []

    again = (await officer.execute(IMPORT, upload(path, WEEKS[0]))).ok()
    assert again["rentArrearsImportReport"]["errors"] == [
        {
            "code": "DUPLICATE",
            "field": "reportDate",
            "message": f"The report of {WEEKS[0].isoformat()} is already imported; "
            "import it with replace to overwrite that week.",
        }
    ]

    corrected = write_xlsx(
        tmp_path / "week1-fixed.xlsx", HEADERS, changed(ROWS, 0, "Arrears Balance", 200)
    )
    replaced = (await officer.execute(IMPORT, upload(corrected, WEEKS[0], replace=True))).ok()
    assert replaced["rentArrearsImportReport"]["report"]["rowCount"] == 3
    state = (await officer.execute(STATE)).ok()
    assert state["rentArrearsSeries"] == [
        {"reportDate": WEEKS[0].isoformat(), "accounts": 3, "arrearsPence": 20000}
    ]
    assert len(state["rentArrearsAccounts"]["nodes"]) == 3


async def test_preview_and_a_saved_mapping(graphql, pdms_db, pdms_host, tmp_path):
    import base64

    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    headers = ["Tenancy No", "Name", "Rent Due Weekly", "Owed", "Patch"]
    rows = [["RA201", "Dee Example", 90, 45, "West"]]
    path = write_csv(tmp_path / "odd-headers.csv", headers, rows)
    content = base64.b64encode(path.read_bytes()).decode()
    variables = {"name": path.name, "content": content, "day": WEEKS[0].isoformat()}

    # given a report whose headers the module does not know
    preview = (await officer.execute(PREVIEW, variables)).ok()["rentArrearsPreviewReport"]
    matched = {c["field"]: c["header"] for c in preview["columns"] if c["header"]}
    assert matched == {"tenant_name": "Name", "patch": "Patch"}
    assert preview["rowErrors"] == [
        {
            "row": 1,
            "column": "Account reference",
            "reason": "no column matches this required field",
        },
        {"row": 1, "column": "Weekly rent", "reason": "no column matches this required field"},
        {"row": 1, "column": "Balance", "reason": "no column matches this required field"},
    ]

    # when the officer saves a mapping for them
    saved = await officer.execute(
        SAVE_MAPPING,
        {
            "columns": [
                {"field": "account_reference", "header": "Tenancy No"},
                {"field": "weekly_rent", "header": "Rent Due Weekly"},
                {"field": "balance", "header": "Owed"},
            ]
        },
    )
    assert saved.ok()["rentArrearsSaveColumnMapping"]["errors"] == []

    # then the preview shows how every column was matched, and the import works
    preview = (await officer.execute(PREVIEW, variables)).ok()["rentArrearsPreviewReport"]
    assert preview["headers"] == headers
    assert preview["rowCount"] == 1
    assert preview["sampleRows"] == [["RA201", "Dee Example", "90", "45", "West"]]
    assert {
        c["field"]: (c["header"], c["matchedBy"]) for c in preview["columns"] if c["header"]
    } == {
        "account_reference": ("Tenancy No", "saved"),
        "tenant_name": ("Name", "recognised"),
        "weekly_rent": ("Rent Due Weekly", "saved"),
        "balance": ("Owed", "saved"),
        "patch": ("Patch", "recognised"),
    }
    imported = (await officer.execute(IMPORT, upload(path, WEEKS[0]))).ok()
    assert imported["rentArrearsImportReport"]["report"]["rowCount"] == 1
