"""Weeks in arrears at a threshold: bands and rules compare the unrounded figure (in
pence), so 7.996 weeks is not "8 weeks or more" and 3.998 weeks is not 4 weeks."""

from __future__ import annotations

from rent_arrears_support import (
    HEADERS,
    OFFICER,
    WEEKS,
    Tenancy,
    pdms,
    prepared_database,
    report_rows,
    upload_file,
    write_xlsx,
)

TENANCIES = [
    Tenancy("RA801", "Max Example", "1 Bound Road", "", 100, (100, 200, 300, 399.80)),
    Tenancy("RA802", "Ned Example", "2 Bound Road", "", 100, (100, 200, 300, 400)),
    Tenancy("RA803", "Ola Example", "3 Bound Road", "", 100, (0, 0, 0, 799.60)),
]
ACCOUNT = """query($ref: String!) { rentArrearsAccount(reference: $ref) {
  id version latestWeek { weeksInArrears band } flags { code } nextAction { code } } }"""
RECORD = """mutation($id: ID!, $version: Int!, $on: Date!) {
  rentArrearsRecordAction(accountId: $id, expectedVersion: $version, actionCode: "letter_2",
                          takenOn: $on) { errors { code } } }"""
WEEK_ACCOUNTS = """query($filter: RentArrearsWeekFilter) {
  rentArrearsWeekAccounts(filter: $filter, first: 100) { nodes { account { reference } } } }"""


async def _account(client, reference):
    return (await client.execute(ACCOUNT, {"ref": reference})).ok()["rentArrearsAccount"]


async def _references(client, **filter):
    answer = (await client.execute(WEEK_ACCOUNTS, {"filter": filter})).ok()
    return sorted(n["account"]["reference"] for n in answer["rentArrearsWeekAccounts"]["nodes"])


async def test_thresholds_compare_unrounded_weeks(
    graphql, pdms_db, pdms_host, pdms_settings, tmp_path
):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    for week in range(4):
        if week == 1:  # letter 2 went to both 4-week candidates after the first report
            for reference in ("RA801", "RA802"):
                account = await _account(officer, reference)
                variables = {"id": account["id"], "version": account["version"]}
                recorded = await officer.execute(RECORD, {**variables, "on": WEEKS[0].isoformat()})
                assert recorded.ok()["rentArrearsRecordAction"]["errors"] == []
        path = write_xlsx(tmp_path / f"w{week}.xlsx", HEADERS, report_rows(TENANCIES, week))
        assert (await upload_file(officer, path, WEEKS[week]))["rowErrors"] == []

    # 3.998 weeks shows as 4.0 but is under 4: no flag, no notice, band 2 to 4
    short = await _account(officer, "RA801")
    assert short["latestWeek"] == {"weeksInArrears": 4.0, "band": "2_to_4"}
    assert short["flags"] == [] and short["nextAction"] is None
    # exactly 4 weeks is flagged and due a notice
    full = await _account(officer, "RA802")
    assert full["latestWeek"] == {"weeksInArrears": 4.0, "band": "4_to_8"}
    assert [f["code"] for f in full["flags"]] == ["persistent_increasing"]
    assert full["nextAction"] == {"code": "notice"}
    # 7.996 weeks shows as 8.0 but is not "8 weeks or more"
    almost = await _account(officer, "RA803")
    assert almost["latestWeek"] == {"weeksInArrears": 8.0, "band": "4_to_8"}

    # the drill-down (SQL rules) agrees with the account's flags
    assert await _references(officer, flagged=True) == ["RA802"]
    assert await _references(officer, band="8_plus") == []
    assert await _references(officer, band="4_to_8") == ["RA802", "RA803"]

    # and so does the command line's overview
    overview = pdms("rent_arrears", "overview", PDMS_DATABASE_URL=pdms_settings.database_url)
    assert overview.returncode == 0, overview.stderr
    bands = [line.split("\t")[1:3] for line in overview.stdout.splitlines() if line[:5] == "band\t"]
    assert ["8 weeks or more", "1"] not in bands and ["4 to 8 weeks", "2"] in bands
