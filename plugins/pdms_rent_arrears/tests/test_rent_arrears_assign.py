"""Bulk assignment conflicts, instead of overwriting, when an account changed meanwhile."""

from __future__ import annotations

from rent_arrears_support import (
    HEADERS,
    IMPORT,
    OFFICER,
    WEEKS,
    prepared_database,
    upload,
    write_csv,
)
from test_rent_arrears_import_errors import ROWS

ACCOUNTS = "{ rentArrearsAccounts(first: 10) { nodes { id reference version officerName } } }"
ASSIGN = """
mutation($ids: [ID!]!, $officer: ID, $versions: [Int!]) {
  rentArrearsAssignAccounts(accountIds: $ids, officerId: $officer, expectedVersions: $versions) {
    accounts { reference officerName version } errors { code field }
  }
}
"""


async def _accounts(officer) -> list[dict]:
    return (await officer.execute(ACCOUNTS)).ok()["rentArrearsAccounts"]["nodes"]


async def test_bulk_assignment_with_stale_versions_conflicts_and_changes_nothing(
    graphql, pdms_db, pdms_host, tmp_path
):
    known = await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    report = write_csv(tmp_path / "week1.csv", HEADERS, ROWS)
    assert (await officer.execute(IMPORT, upload(report, WEEKS[0]))).ok()
    read = await _accounts(officer)
    ids, versions = [a["id"] for a in read], [a["version"] for a in read]
    ann, bob = known["officers"]["ann"], known["officers"]["bob"]

    done = (await officer.execute(ASSIGN, {"ids": ids, "officer": ann, "versions": versions})).ok()[
        "rentArrearsAssignAccounts"
    ]
    assert done["errors"] == []
    assert {a["officerName"] for a in done["accounts"]} == {"Ann Arrears"}

    # a second officer still holding the versions read before: refused, nothing changes
    stale = (
        await officer.execute(ASSIGN, {"ids": ids, "officer": bob, "versions": versions})
    ).ok()["rentArrearsAssignAccounts"]
    assert stale == {"accounts": [], "errors": [{"code": "CONFLICT", "field": "expectedVersions"}]}
    assert {a["officerName"] for a in await _accounts(officer)} == {"Ann Arrears"}

    uneven = (
        await officer.execute(ASSIGN, {"ids": ids, "officer": bob, "versions": versions[:1]})
    ).ok()["rentArrearsAssignAccounts"]
    assert uneven["errors"] == [{"code": "VALIDATION", "field": "expectedVersions"}]
