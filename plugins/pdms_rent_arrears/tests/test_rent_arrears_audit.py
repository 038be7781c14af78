"""Reading a rent account is audited like reading a person, on every path to it.

``RentArrearsAccount`` declares ``personal_data = True`` (it names the tenant); core's
read guard notes every account an answer carries, whichever field returned it.
"""

from __future__ import annotations

from rent_arrears_support import (
    HEADERS,
    IMPORT,
    OFFICER,
    WEEKS,
    Tenancy,
    prepared_database,
    report_rows,
    upload,
    write_xlsx,
)

from pdms_core.plugin import decode_id
from pdms_core.testing.actors import staff

TENANCIES = [
    Tenancy("RA001", "Tilly Tenantson", "1 Fictional Row", "100000000001", 100, (150,)),
    Tenancy("RA404", "Owen Owing", "4 Fictional Row", "", 100, (300,)),
]
ACCOUNTS = "{ rentArrearsAccounts { nodes { id reference } } }"
# name: (document, the accounts it reads)
PATHS = {
    "by reference": (
        '{ rentArrearsAccount(reference: "RA001") { tenantName } }',
        ["RA001"],
    ),
    "listed": ("{ rentArrearsAccounts { nodes { tenantName } } }", ["RA001", "RA404"]),
    "node": (
        "query($id: ID!) { node(id: $id) { ... on RentArrearsAccount { tenantName } } }",
        ["RA001"],
    ),
    "place.moduleRecords": (
        "query($place: ID!) { place(id: $place) { moduleRecords { "
        "... on RentArrearsAccount { tenantName } } } }",
        ["RA001"],
    ),
    "week.account": (
        '{ rentArrearsAccount(reference: "RA404") { latestWeek { account { address } } } }',
        ["RA404"],
    ),
}
TRAIL = """query($actor: String!) { auditEvents(filter: {actorId: $actor}) {
  nodes { action outcome targetType targetId } } }"""


async def test_every_path_to_a_rent_account_leaves_a_read_row(
    graphql, pdms_db, pdms_host, tmp_path
):
    known = await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    path = write_xlsx(tmp_path / "week.xlsx", HEADERS, report_rows(TENANCIES, 0))
    imported = (await officer.execute(IMPORT, upload(path, WEEKS[0]))).ok()
    assert imported["rentArrearsImportReport"]["errors"] == []
    listed = (await officer.execute(ACCOUNTS)).ok()["rentArrearsAccounts"]["nodes"]
    ids = {a["reference"]: a["id"] for a in listed}
    auditor = graphql.as_actor(staff("core.audit.read", name="Dee Protection"))

    for name, (document, read) in PATHS.items():
        reader = staff("rent_arrears.account.read", "core.places.read", name=f"Reader {name}")
        variables = {"id": ids["RA001"], "place": known["place_by_uprn"]}
        answer = await graphql.as_actor(reader).execute(document, variables)
        assert "Tilly Tenantson" in str(answer.ok()) or "RA001" not in read, name
        trail = await auditor.execute(TRAIL, {"actor": reader.id})
        rows = trail.ok()["auditEvents"]["nodes"]
        expected = [
            {
                "action": "read",
                "outcome": "ok",
                "targetType": "RentArrearsAccount",
                "targetId": str(decode_id(ids[reference], "RentArrearsAccount")),
            }
            for reference in read
        ]
        assert sorted(rows, key=lambda row: int(row["targetId"])) == sorted(
            expected, key=lambda row: int(row["targetId"])
        ), name
