"""Weeks that don't fit: a missing week, a week imported out of order, a repeated file;
and removing a wrongly imported week, which derives the later weeks again."""

from __future__ import annotations

from rent_arrears_support import (
    HEADERS,
    OFFICER,
    READER,
    WEEKS,
    Tenancy,
    prepared_database,
    preview_file,
    report_rows,
    upload_file,
    write_xlsx,
)

from pdms_core.testing.actors import staff

TENANCIES = [
    Tenancy("RA701", "Kit Example", "1 Week Lane", "", 100, (100, 150, 200, 250)),
    Tenancy("RA702", "Lou Example", "2 Week Lane", "", 80, (-5, -5, -5, -5)),
]
HISTORY = """{ rentArrearsAccount(reference: "RA701") {
  weeks { reportDate segment weeksInArrearsRun } } }"""
REMOVE = """mutation($day: Date!) { rentArrearsRemoveWeek(reportDate: $day) {
  removed { reportDate rowCount } rederivedWeeks errors { code field } } }"""
TRAIL = """query($actor: String!) { auditEvents(filter: {actorId: $actor}) {
  nodes { action outcome targetType } } }"""


def _file(tmp_path, figures_of: int, name: str):
    return write_xlsx(tmp_path / name, HEADERS, report_rows(TENANCIES, figures_of))


async def _runs(client) -> dict[str, int]:
    history = (await client.execute(HISTORY)).ok()["rentArrearsAccount"]["weeks"]
    return {w["reportDate"]: w["weeksInArrearsRun"] for w in history}


async def test_weeks_that_do_not_fit_are_warned_about(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    first = await upload_file(officer, _file(tmp_path, 0, "w0.xlsx"), WEEKS[0])
    assert first["warnings"] == [] and first["report"]["rowCount"] == 2

    # when the week after next is imported, a week is missing before it
    skipped = await upload_file(officer, _file(tmp_path, 2, "w2.xlsx"), WEEKS[2])
    assert skipped["report"]["rowCount"] == 2
    assert skipped["warnings"] == [
        {
            "code": "MISSING_WEEK",
            "message": f"No report is imported between {WEEKS[0].isoformat()} and "
            f"{WEEKS[2].isoformat()} (about 1 week(s) missing): this week is compared "
            f"with {WEEKS[0].isoformat()}.",
        }
    ]

    # when the missing week arrives late, the preview and the import say which later
    # weeks are derived again, and they are
    late = _file(tmp_path, 1, "w1.xlsx")
    out_of_order = {
        "code": "OUT_OF_ORDER",
        "message": "Later weeks are already imported; they are derived again after this "
        f"one: {WEEKS[2].isoformat()}.",
    }
    assert (await preview_file(officer, late, WEEKS[1]))["warnings"] == [out_of_order]
    assert (await upload_file(officer, late, WEEKS[1]))["warnings"] == [out_of_order]
    assert (await _runs(officer))[WEEKS[2].isoformat()] == 3

    # when last week's file is imported again under a new date
    repeated = await upload_file(officer, _file(tmp_path, 2, "w3.xlsx"), WEEKS[3])
    assert [w["code"] for w in repeated["warnings"]] == ["SAME_AS_PREVIOUS"]
    assert WEEKS[2].isoformat() in repeated["warnings"][0]["message"]


async def test_a_wrongly_imported_week_is_removed(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    for week in range(3):
        done = await upload_file(officer, _file(tmp_path, week, f"w{week}.xlsx"), WEEKS[week])
        assert done["rowErrors"] == []
    assert (await _runs(officer))[WEEKS[2].isoformat()] == 3

    # a reader may not remove a week
    denied = await graphql.as_actor(READER).execute(REMOVE, {"day": WEEKS[1].isoformat()})
    assert denied.error_codes() == ["PERMISSION_DENIED"]

    # when the officer removes the middle week
    removed = (await officer.execute(REMOVE, {"day": WEEKS[1].isoformat()})).ok()
    # then it is gone and the week after it is derived again from the week before
    assert removed["rentArrearsRemoveWeek"] == {
        "removed": {"reportDate": WEEKS[1].isoformat(), "rowCount": 2},
        "rederivedWeeks": [WEEKS[2].isoformat()],
        "errors": [],
    }
    assert await _runs(officer) == {WEEKS[2].isoformat(): 2, WEEKS[0].isoformat(): 1}

    # and removing it again is NOT_FOUND
    again = (await officer.execute(REMOVE, {"day": WEEKS[1].isoformat()})).ok()
    assert again["rentArrearsRemoveWeek"]["errors"] == [
        {"code": "NOT_FOUND", "field": "reportDate"}
    ]

    # and the removal is in the audit trail
    auditor = graphql.as_actor(staff("core.audit.read", name="Dee Protection"))
    trail = (await auditor.execute(TRAIL, {"actor": OFFICER.id})).ok()["auditEvents"]["nodes"]
    assert {"action": "rentArrearsRemoveWeek", "outcome": "ok", "targetType": "ReportImport"} in (
        trail
    )
