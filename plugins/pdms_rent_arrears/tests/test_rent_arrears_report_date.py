"""A report date after today in England (the kit's `today`) is refused, nothing imported."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rent_arrears_support import (
    HEADERS,
    OFFICER,
    Tenancy,
    prepared_database,
    report_rows,
    upload_file,
    write_xlsx,
)

TENANCIES = [Tenancy("RA951", "Una Example", "1 Date Road", "", 100, (50,))]
OVERVIEW = "{ rentArrearsOverview { accounts } }"


async def test_a_report_dated_tomorrow_is_refused(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    london_today = datetime.now(ZoneInfo("Europe/London")).date()
    path = write_xlsx(tmp_path / "w.xlsx", HEADERS, report_rows(TENANCIES, 0))
    refused = await upload_file(officer, path, london_today + timedelta(days=1))
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "reportDate")]
    nothing = await officer.execute(OVERVIEW)
    assert nothing.error_codes() == ["NOT_FOUND"]  # "No report has been imported yet."
    accepted = await upload_file(officer, path, london_today)
    assert accepted["errors"] == []
    assert (await officer.execute(OVERVIEW)).ok()["rentArrearsOverview"]["accounts"] == 1
