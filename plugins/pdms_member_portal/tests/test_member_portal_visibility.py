"""A member never sees another member's enquiry, by any path: node, lists, search,
dashboard, export, module records; ward sharing is the council's choice (a permission)."""

from __future__ import annotations

import base64
import csv
import io

import openpyxl
from member_portal_support import MEMBER_PERMS, change, node, submitted, user

LIST = """
query($filters: MemberPortalFilterInput) {
  memberPortalEnquiries(filters: $filters, first: 100) { edges { node { reference } } }
}
"""
DASHBOARD = """
query($filters: MemberPortalFilterInput) {
  memberPortalDashboard(filters: $filters) {
    counts { new inProgress completed overdue dueToday }
    enquiries { reference }
  }
}
"""
EXPORT = """
query($format: MemberPortalExportFormat!, $filters: MemberPortalFilterInput) {
  memberPortalExport(format: $format, filters: $filters)
}
"""
RECORDS = """
query($id: ID!) {
  node(id: $id) {
    ... on Place { moduleRecords { ... on MemberPortalEnquiry { reference } } }
    ... on Person { moduleRecords { ... on MemberPortalEnquiry { reference } } }
  }
}
"""
EXPORTER = ("member_portal.enquiry.export",)


async def _references(graphql, actor, filters=None):
    result = await graphql.as_actor(actor).execute(LIST, {"filters": filters})
    return sorted(e["node"]["reference"] for e in result.ok()["memberPortalEnquiries"]["edges"])


async def _three(graphql, world):
    mine = await submitted(
        graphql, world.member, placeId=world.place, personId=world.person, residentConsent=True
    )
    neighbours = await submitted(
        graphql, world.neighbour, placeId=world.place, personId=world.person, residentConsent=True
    )
    others = await submitted(
        graphql, world.other, placeId=world.place, personId=world.person, residentConsent=True
    )
    return mine, neighbours, others


async def test_a_member_sees_only_their_own_by_every_path(graphql, world):
    mine, neighbours, others = await _three(graphql, world)
    assert await _references(graphql, world.member) == [mine["reference"]]
    # Search: filters never widen the reach.
    for filters in (
        {"surname": "Resident"},
        {"reference": others["reference"]},
        {"division": "south"},
        {"serviceArea": "highways"},
    ):
        found = await _references(graphql, world.member, filters)
        assert others["reference"] not in found and neighbours["reference"] not in found
    assert await node(graphql, world.member, others["id"]) is None
    assert await node(graphql, world.member, neighbours["id"]) is None
    assert (await node(graphql, world.member, mine["id"]))["reference"] == mine["reference"]
    board = (await graphql.as_actor(world.member).execute(DASHBOARD, {})).ok()
    assert board["memberPortalDashboard"]["counts"]["new"] == 1
    assert board["memberPortalDashboard"]["enquiries"] == [{"reference": mine["reference"]}]
    exporter = user(int(world.member.id.split(":")[1]), "Ada Member", (*MEMBER_PERMS, *EXPORTER))
    text = (await graphql.as_actor(exporter).execute(EXPORT, {"format": "CSV"})).ok()
    assert mine["reference"] in text["memberPortalExport"]
    assert others["reference"] not in text["memberPortalExport"]
    # ... and a co-ordinator sees them all.
    assert len(await _references(graphql, world.coordinator)) == 3


async def test_module_records_keep_the_rule_for_readers_of_places(graphql, world):
    mine, _, _ = await _three(graphql, world)
    reader = user(
        int(world.member.id.split(":")[1]),
        "Ada Member",
        (*MEMBER_PERMS, "core.places.read", "core.people.read"),
    )
    for holder in (world.place, world.person):
        records = (await graphql.as_actor(reader).execute(RECORDS, {"id": holder})).ok()
        refs = [r["reference"] for r in records["node"]["moduleRecords"] if r]
        assert refs == [mine["reference"]]


async def test_ward_sharing_is_granted_by_permission(graphql, world):
    mine, neighbours, others = await _three(graphql, world)
    sharing = user(
        int(world.member.id.split(":")[1]),
        "Ada Member",
        (*MEMBER_PERMS, "member_portal.enquiry.read_ward"),
    )
    assert await _references(graphql, sharing) == sorted(
        [mine["reference"], neighbours["reference"]]
    )
    assert await node(graphql, sharing, others["id"]) is None


async def test_an_officer_sees_what_they_are_assigned(graphql, world):
    mine, _, others = await _three(graphql, world)
    assert await _references(graphql, world.officer) == []
    done = await change(
        graphql,
        world.coordinator,
        "memberPortalAssign",
        "",
        id=others["id"],
        expectedVersion=others["version"],
        leadOfficerId=world.officer2_id,
        additionalOfficerIds=[world.officer_id],
    )
    assert done["errors"] == []
    assert await _references(graphql, world.officer) == [others["reference"]]
    assert await node(graphql, world.officer, mine["id"]) is None


async def test_the_export_neutralises_formulas_in_csv_and_xlsx(graphql, world):
    await submitted(graphql, world.member, subject='=HYPERLINK("http://x.invalid","Click")')
    await submitted(graphql, world.member, subject="@SUM(A1:A2)")
    await submitted(graphql, world.member, subject="-2+3")
    await submitted(graphql, world.member, subject="+44 7700 900000 rang")
    result = await graphql.as_actor(world.coordinator).execute(EXPORT, {"format": "CSV"})
    rows = list(csv.reader(io.StringIO(result.ok()["memberPortalExport"])))
    assert rows[0][:4] == ["reference", "member", "resident", "enquiry_type"]
    assert sorted(row[10] for row in rows[1:]) == [
        "'+44 7700 900000 rang",
        "'-2+3",
        '\'=HYPERLINK("http://x.invalid","Click")',
        "'@SUM(A1:A2)",
    ]
    result = await graphql.as_actor(world.coordinator).execute(EXPORT, {"format": "XLSX"})
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(result.ok()["memberPortalExport"])))
    sheet = book.active
    cells = [row[10] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == 4
    assert all(c.data_type == "s" and c.value.startswith("'") for c in cells)
    assert sorted(c.value for c in cells)[0] == "'+44 7700 900000 rang"
