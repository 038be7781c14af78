"""A weekly report uploaded as a file in a multipart request (GraphQL multipart spec).

A 50,000-account report is a few megabytes: too big for a JSON body (1 MB by default)
even before base64 makes it a third bigger, so portals send it as a multipart upload,
which has its own, larger limit.
"""

from __future__ import annotations

import base64
import json
from datetime import date

from rent_arrears_support import HEADERS, IMPORT, OFFICER, WEEKS, prepared_database, write_csv


def _report(tmp_path, accounts: int):
    paid = [date(2026, 9, 4), 95.5, "N", "North"]
    rows = [
        [f"RA{n:06d}", f"Tenant {n}", f"{n} Sample Street", "", 95.5, 120.25 + n % 50, *paid]
        for n in range(accounts)
    ]
    return write_csv(tmp_path / "week1.csv", HEADERS, rows)


def _variables(path, **file):
    return {
        "input": {"fileName": path.name, "reportDate": WEEKS[0].isoformat(), **file},
    }


def _multipart(path, variables):
    operations = {"query": IMPORT, "variables": variables}
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        "files": {"0": (path.name, path.read_bytes(), "text/csv")},
    }


async def test_a_report_over_the_json_limit_imports_as_a_multipart_upload(
    graphql, pdms_db, pdms_host, tmp_path
):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    path = _report(tmp_path, 20_000)
    assert path.stat().st_size > 1_000_000

    as_json = await officer.post(
        json={
            "query": IMPORT,
            "variables": _variables(
                path, contentBase64=base64.b64encode(path.read_bytes()).decode()
            ),
        },
    )
    assert as_json.status_code == 413
    assert as_json.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"

    uploaded = await officer.post(**_multipart(path, _variables(path, file=None)))

    payload = uploaded.json()["data"]["rentArrearsImportReport"]
    assert payload["errors"] == [] and payload["rowErrors"] == []
    assert payload["report"] == {"reportDate": WEEKS[0].isoformat(), "rowCount": 20_000}


async def test_the_file_must_be_sent_exactly_once(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    path = _report(tmp_path, 3)
    content = base64.b64encode(path.read_bytes()).decode()

    neither = await officer.post(json={"query": IMPORT, "variables": _variables(path)})
    both = await officer.post(
        **_multipart(path, _variables(path, file=None, contentBase64=content))
    )

    for answer in (neither, both):
        payload = answer.json()["data"]["rentArrearsImportReport"]
        assert payload["report"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VALIDATION", "file")]
