"""Contractor returns through GraphQL (upload and base64) and the command line."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import xlsxwriter
from gas_electric_support import HOME, READER, gas_home
from pdms_core.testing.actors import staff

IMPORTER = staff("gas_electric.return.import", "gas_electric.home.read", name="Ivy Importer")
IMPORT = """
mutation($input: GasElectricImportReturnInput!) {
  gasElectricImportReturn(input: $input) {
    result { preview imported rows gasChecks eicrs alreadyImported
             rowErrors { row column message } }
    errors { code field message }
  }
}
"""
HEADERS = [
    "Type",
    "UPRN",
    "Property Reference",
    "Date",
    "Certificate Number",
    "Engineer",
    "Gas Safe Number",
    "Result",
    "Observations",
    "Copy Given On",
    "Contractor",
]
GOOD = [
    [
        "gas",
        "100090000001",
        "",
        "2025-03-04",
        "LG-1",
        "Ellis Engineer",
        "123456",
        "pass",
        "",
        "2025-03-05",
        "in_house",
    ],
    ["gas", "", "gx-2", "04/03/2025", "LG-2", "Ellis Engineer", "1234567", "at_risk", "", "", ""],
    [
        "eicr",
        "100090000001",
        "",
        "2025-01-10",
        "EI-1",
        "Ira Inspector",
        "",
        "satisfactory",
        "C3;C2",
        "",
        "",
    ],
]


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    return buffer.getvalue().encode()


async def homes(graphql, db) -> tuple[dict, dict]:
    first = await gas_home(graphql, db, "1 Return Row", uprn=100090000001, reference="GX-1")
    second = await gas_home(graphql, db, "2 Return Row", uprn=100090000002, reference="GX-2")
    return first, second


async def send(graphql, content: bytes, name: str = "return.csv", preview: bool = False):
    response = await graphql.as_actor(IMPORTER).execute(
        IMPORT,
        {
            "input": {
                "fileName": name,
                "contentBase64": base64.b64encode(content).decode(),
                "preview": preview,
            }
        },
    )
    return response.ok()["gasElectricImportReturn"]


async def read_home(graphql, place: str) -> dict:
    found = await graphql.as_actor(READER).execute(
        HOME.replace("gasDueOn", "gasDueOn eicrDueOn"), {"place": place}
    )
    return found.ok()["gasElectricHome"]


async def test_a_return_is_stored_once_and_moves_the_clocks(graphql, pdms_db, lookups):
    first, second = await homes(graphql, pdms_db)
    preview = await send(graphql, csv_bytes(GOOD), preview=True)
    assert preview["result"] == {
        "preview": True,
        "imported": False,
        "rows": 3,
        "gasChecks": 2,
        "eicrs": 1,
        "alreadyImported": 0,
        "rowErrors": [],
    }
    assert (await read_home(graphql, first["place"]))["gasChecks"] == []
    done = await send(graphql, csv_bytes(GOOD))
    assert (done["errors"], done["result"]["imported"]) == ([], True)
    one = await read_home(graphql, first["place"])
    assert (one["gasDueOn"], one["eicrDueOn"]) == ("2026-03-04", "2030-01-10")
    assert [c["certificateNumber"] for c in one["gasChecks"]] == ["LG-1"]
    two = await read_home(graphql, second["place"])
    assert two["gasChecks"][0]["breaches"] == ["copy_late", "unsafe_without_remedy"]
    again = await send(graphql, csv_bytes(GOOD))
    assert again["result"] == {
        "preview": False,
        "imported": True,
        "rows": 3,
        "gasChecks": 0,
        "eicrs": 0,
        "alreadyImported": 3,
        "rowErrors": [],
    }
    assert len((await read_home(graphql, first["place"]))["gasChecks"]) == 1


async def test_a_bad_return_is_refused_row_by_row_with_nothing_written(graphql, pdms_db, lookups):
    first, _ = await homes(graphql, pdms_db)
    bad = [
        GOOD[0],
        [
            "gas",
            "100099999999",
            "",
            "2025-03-04",
            "LG-9",
            "Ellis Engineer",
            "123456",
            "pass",
            "",
            "",
            "",
        ],
        ["gas", "", "GX-2", "31/02/2025", "LG-3", "Ellis Engineer", "123456", "fine", "", "", ""],
        [
            "eicr",
            "",
            "GX-1",
            "2025-01-10",
            "EI-2",
            "Ira Inspector",
            "",
            "satisfactory",
            "C4",
            "",
            "nobody",
        ],
        GOOD[0],
    ]
    refused = await send(graphql, csv_bytes(bad))
    assert refused["result"]["imported"] is False
    assert refused["result"]["rowErrors"] == [
        {"row": 3, "column": "uprn", "message": "No home has 100099999999."},
        {
            "row": 4,
            "column": "date",
            "message": "'31/02/2025' is not a date (use YYYY-MM-DD or DD/MM/YYYY).",
        },
        {
            "row": 4,
            "column": "result",
            "message": "'fine' is not a result; use one of pass, "
            "at_risk, immediately_dangerous, not_to_current_standards.",
        },
        {"row": 5, "column": "observations", "message": "C4: codes are C1, C2, C3 and FI."},
        {
            "row": 6,
            "column": "certificate_number",
            "message": "The certificate is in the file twice.",
        },
    ]
    assert (await read_home(graphql, first["place"]))["gasChecks"] == []


async def test_a_file_without_the_columns_is_refused(graphql, pdms_db, lookups):
    refused = await send(graphql, b"uprn,date\n1,2025-01-01\n")
    assert refused["result"] is None
    assert [(e["field"], e["message"]) for e in refused["errors"]] == [
        ("file", "The file has no column type, certificate_number, engineer, result.")
    ]
    other = await send(graphql, b"%PDF", name="return.pdf")
    assert [e["field"] for e in other["errors"]] == ["file"]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate([HEADERS, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dated)
            else:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


async def test_an_xlsx_return_with_date_cells(graphql, pdms_db, lookups):
    first, _ = await homes(graphql, pdms_db)
    rows = [
        [
            "gas",
            100090000001,
            "",
            date(2025, 3, 4),
            "LG-X",
            "Ellis Engineer",
            123456,
            "pass",
            "",
            date(2025, 3, 4),
            "",
        ]
    ]
    done = await send(graphql, xlsx_bytes(rows), name="return.xlsx")
    assert (done["errors"], done["result"]["gasChecks"]) == ([], 1)
    assert (await read_home(graphql, first["place"]))["gasDueOn"] == "2026-03-04"


async def test_the_command_imports_a_return(graphql, pdms_settings, pdms_db, lookups, tmp_path):
    first, _ = await homes(graphql, pdms_db)
    path = tmp_path / "return.csv"
    path.write_bytes(csv_bytes(GOOD))
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=pdms_settings.database_url, PDMS_PLUGINS="gas_electric")
    done = await asyncio.to_thread(
        subprocess.run,
        [str(pdms), "gas_electric", "import-return", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "imported: 3 rows, 2 gas checks, 1 EICRs, 0 already imported, 0 errors"
    )
    assert (await read_home(graphql, first["place"]))["gasDueOn"] == "2026-03-04"


LINE_HEADERS = [
    "type",
    "uprn",
    "date",
    "certificate_number",
    "engineer",
    "gas_safe_number",
    "result",
    "appliance_id",
    "appliance_location",
    "appliance_type",
    "defect",
    "remedial_action",
    "copy_given_on",
]
RESULTS = """
query($place: ID!) {
  gasElectricHome(placeId: $place) {
    gasChecks { certificateNumber results { outcome appliance defect { code } remedialAction } }
  }
}
"""


def line(number: str, result: str, *, engineer: str = "Ellis Engineer", **appliance: str):
    cells = {"appliance_id": "", "appliance_location": "", "appliance_type": "", **appliance}
    return [
        "gas",
        "100090000001",
        "2025-03-04",
        number,
        engineer,
        "123456",
        result,
        cells["appliance_id"],
        cells["appliance_location"],
        cells["appliance_type"],
        cells.get("defect", ""),
        cells.get("remedial_action", ""),
        "2025-03-04",
    ]


def lines_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([LINE_HEADERS, *rows])
    return buffer.getvalue().encode()


async def home_with_a_fire(graphql, db) -> tuple[dict, str]:
    from gas_electric_support import ADD_APPLIANCE, OFFICER, ok

    first, _ = await homes(graphql, db)
    fire = ok(
        await graphql.as_actor(OFFICER).execute(
            ADD_APPLIANCE,
            {
                "input": {
                    "homeId": first["home"],
                    "typeCode": "gas_fire",
                    "locationCode": "living_room",
                }
            },
        ),
        "gasElectricAddAppliance",
    )["appliance"]["id"]
    return first, fire


async def test_each_result_line_names_its_appliance(graphql, pdms_db, lookups):
    first, fire = await home_with_a_fire(graphql, pdms_db)
    rows = [
        # the boiler as the return quotes it (codes), the fire by its ID
        line("LG-A", "pass", appliance_location="kitchen", appliance_type="COMBI_BOILER"),
        line("LG-A", "at_risk", appliance_id=fire, defect="ventilation", remedial_action="Vent"),
        # labels work too
        line("LG-B", "pass", appliance_location="Living Room", appliance_type="gas fire"),
    ]
    done = await send(graphql, lines_csv(rows))
    assert done["result"]["rowErrors"] == []
    assert (done["result"]["rows"], done["result"]["gasChecks"]) == (3, 2)
    found = await graphql.as_actor(READER).execute(RESULTS, {"place": first["place"]})
    checks = {
        c["certificateNumber"]: c["results"] for c in found.ok()["gasElectricHome"]["gasChecks"]
    }
    assert checks["LG-A"] == [
        {"outcome": "pass", "appliance": first["appliance"], "defect": None, "remedialAction": ""},
        {
            "outcome": "at_risk",
            "appliance": fire,
            "defect": {"code": "ventilation"},
            "remedialAction": "Vent",
        },
    ]
    assert [r["appliance"] for r in checks["LG-B"]] == [fire]
    again = await send(graphql, lines_csv(rows))
    assert (again["result"]["alreadyImported"], again["result"]["gasChecks"]) == (2, 0)


async def test_unknown_appliances_are_refused_row_by_row(graphql, pdms_db, lookups):
    first, fire = await home_with_a_fire(graphql, pdms_db)
    rows = [
        line("LG-C", "pass", appliance_location="kitchen", appliance_type="combi_boiler"),
        line("LG-C", "pass", appliance_id="999999"),
        line("LG-C", "pass", appliance_location="loft", appliance_type="combi_boiler"),
        line("LG-C", "pass", engineer="Other Engineer", appliance_id=fire),
        line("LG-E", "pass", appliance_type="combi_boiler", defect="squeaky"),
        line("LG-C", "pass", appliance_type="combi_boiler"),  # the kitchen boiler again
        line("LG-D", "pass", appliance_id="not-an-id"),
    ]
    refused = await send(graphql, lines_csv(rows))
    assert refused["result"]["imported"] is False
    assert [(e["row"], e["column"], e["message"]) for e in refused["result"]["rowErrors"]] == [
        (3, "appliance_id", "The home has no appliance 999999."),
        (
            4,
            "appliance_type",
            "The home has no appliance 'combi_boiler in the loft' in use on that date.",
        ),
        (5, "engineer", "Differs from row 2 of the same certificate."),
        (6, "defect", "'squeaky' is not a defect code."),
        (7, "appliance_id", "The appliance has two results on this certificate."),
        (8, "appliance_id", "'not-an-id' is not an appliance id."),
    ]
    assert (await read_home(graphql, first["place"]))["gasChecks"] == []
