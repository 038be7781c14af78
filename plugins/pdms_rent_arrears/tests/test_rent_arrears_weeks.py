"""Eight consecutive weekly reports: segments, overview figures, a profile-triggered plan."""

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
    write_csv,
    write_xlsx,
)

R = "1 Fictional Row, Testville, TV1 1AA"
TENANCIES = [
    Tenancy(
        "RA001",
        "Tilly Tenantson",
        R,
        "100000000001",
        100,
        (0, 50, 150, 250, 350, 450, 550, 650),
        patch="north",
    ),
    Tenancy(
        "RA002",
        "Percy Payer",
        "2 Fictional Row, Testville, TV1 1AA",
        "",
        100,
        (300, 200, 100, 0, 0, 80, 80, 40),
        patch="north",
    ),
    Tenancy(
        "RA003", "Stella Steady", "3 Fictional Row, Testville", "", 100, (120,) * 8, patch="south"
    ),
    Tenancy("RA004", "Carl Credit", "4 Fictional Row, Testville", "", 100, (-20,) * 8),
    Tenancy(
        "RA005",
        "Una Credit",
        "5 Fictional Row, Testville",
        "",
        100,
        (900, 950, 1000, 1000, 1000, 1000, 1000, 1000),
        universal_credit=True,
        patch="south",
    ),
    Tenancy("RA006", "Lena Late", "6 Fictional Row, Testville", "", 100, (0,) * 7 + (25,)),
]
SEGMENTS = {
    "RA001": [
        None,
        "new",
        "increasing",
        "increasing",
        "increasing",
        "increasing",
        "increasing",
        "increasing",
    ],
    "RA002": [
        "new",
        "decreasing",
        "decreasing",
        "cleared",
        None,
        "returned",
        "static",
        "decreasing",
    ],
    "RA003": ["new"] + ["static"] * 7,
    "RA004": [None] * 8,
    "RA005": ["new", "increasing", "increasing", "static", "static", "static", "static", "static"],
    "RA006": [None] * 7 + ["new"],
}

HISTORY = """
query($reference: String!) {
  rentArrearsAccount(reference: $reference) {
    id version personId placeId
    weeks { reportDate segment weeksInArrears weeksInArrearsRun trendWeeks }
    flags { code }
    nextAction { code }
    nextActionSuppressed
  }
}
"""
OVERVIEW = """
query($day: Date) {
  rentArrearsOverview(reportDate: $day) {
    reportDate accounts inArrears arrearsPence
    bySegment { key accounts arrearsPence }
    byBand { key accounts }
    byOfficer { key label accounts arrearsPence }
    byPatch { key accounts arrearsPence }
  }
}
"""
DRILL = """
query($day: Date, $filter: RentArrearsWeekFilter) {
  rentArrearsWeekAccounts(reportDate: $day, filter: $filter) {
    nodes { account { reference } segment flags { code } }
  }
}
"""
ASSIGN_PATCH = """
mutation($patch: String!, $officer: ID) {
  rentArrearsAssignPatch(patchCode: $patch, officerId: $officer) { assigned errors { code } }
}
"""
ASSIGN = """
mutation($ids: [ID!]!, $officer: ID) {
  rentArrearsAssignAccounts(accountIds: $ids, officerId: $officer) {
    accounts { reference officerName } errors { code }
  }
}
"""
PLAN = """
mutation($id: ID!, $version: Int!) {
  rentArrearsOpenManagementPlan(accountId: $id, expectedVersion: $version) {
    account { caseId }
    case {
      reference module
      parties { person { id } }
      places { place { id } }
      demands { type { code } description }
    }
    errors { code field message }
  }
}
"""


def by_key(figures):
    return {f["key"]: f["accounts"] for f in figures}


async def history(client, reference):
    result = await client.execute(HISTORY, {"reference": reference})
    return result.ok()["rentArrearsAccount"]


async def test_eight_weekly_reports(graphql, pdms_db, pdms_host, tmp_path):
    # given people, places and officers, and eight weekly files (xlsx, the last one csv)
    known = await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    for week, day in enumerate(WEEKS):
        rows = report_rows(TENANCIES, week)
        if week == 7:
            path = write_csv(tmp_path / f"arrears-{day}.csv", HEADERS, rows)
        else:
            path = write_xlsx(tmp_path / f"arrears-{day}.xlsx", HEADERS, rows)
        # when each is imported
        imported = (await officer.execute(IMPORT, upload(path, day))).ok()[
            "rentArrearsImportReport"
        ]
        assert imported["errors"] == [] and imported["rowErrors"] == []
        assert imported["report"] == {"reportDate": day.isoformat(), "rowCount": 6}
        if week == 0:
            assert imported["accountsCreated"] == 6
            assert {c["field"]: c["matchedBy"] for c in imported["columns"]} == dict.fromkeys(
                [
                    "account_reference",
                    "tenant_name",
                    "address",
                    "uprn",
                    "weekly_rent",
                    "balance",
                    "last_payment_date",
                    "last_payment_amount",
                    "universal_credit",
                    "patch",
                ],
                "recognised",
            )
            # RA001 matched person and place; RA002 only a place (by address)
            assert imported["unlinkedAccounts"] == 5
        if week == 3:
            assigned = await officer.execute(
                ASSIGN_PATCH, {"patch": "north", "officer": known["officers"]["ann"]}
            )
            assert assigned.ok()["rentArrearsAssignPatch"] == {"assigned": 2, "errors": []}

    # then every chosen account has the exact segment each week
    for reference, expected in SEGMENTS.items():
        account = await history(officer, reference)
        segments = [w["segment"] for w in reversed(account["weeks"])]
        assert segments == expected, reference
    ra001 = await history(officer, "RA001")
    assert ra001["personId"] == known["person"]
    assert ra001["placeId"] == known["place_by_uprn"]
    latest = ra001["weeks"][0]
    assert latest == {
        "reportDate": WEEKS[7].isoformat(),
        "segment": "increasing",
        "weeksInArrears": 6.5,
        "weeksInArrearsRun": 7,
        "trendWeeks": 6,
    }
    assert (await history(officer, "RA002"))["placeId"] == known["place_by_address"]

    # and assignment: the patch rule, then one account by hand
    ra003 = await history(officer, "RA003")
    one = await officer.execute(ASSIGN, {"ids": [ra003["id"]], "officer": known["officers"]["bob"]})
    assert one.ok()["rentArrearsAssignAccounts"]["accounts"] == [
        {"reference": "RA003", "officerName": "Bob Balance"}
    ]

    # and the overview of the last week counts them by segment, band, officer and patch
    overview = (await officer.execute(OVERVIEW, {"day": WEEKS[7].isoformat()})).ok()[
        "rentArrearsOverview"
    ]
    assert (overview["accounts"], overview["inArrears"], overview["arrearsPence"]) == (
        6,
        5,
        183500,
    )
    assert by_key(overview["bySegment"]) == {
        "new": 1,
        "increasing": 1,
        "decreasing": 1,
        "static": 2,
        "cleared": 0,
        "returned": 0,
    }
    assert by_key(overview["byBand"]) == {
        "under_1": 2,
        "1_to_2": 1,
        "2_to_4": 0,
        "4_to_8": 1,
        "8_plus": 1,
    }
    assert [(f["label"], f["accounts"], f["arrearsPence"]) for f in overview["byOfficer"]] == [
        ("Ann Arrears", 2, 69000),
        ("Bob Balance", 1, 12000),
        ("Unassigned", 2, 102500),
    ]
    assert [(f["key"], f["accounts"], f["arrearsPence"]) for f in overview["byPatch"]] == [
        ("east", 1, 2500),
        ("north", 2, 69000),
        ("south", 2, 112000),
    ]
    week6 = (await officer.execute(OVERVIEW, {"day": WEEKS[5].isoformat()})).ok()
    assert by_key(week6["rentArrearsOverview"]["bySegment"]) == {
        "new": 0,
        "increasing": 1,
        "decreasing": 0,
        "static": 2,
        "cleared": 0,
        "returned": 1,
    }

    # and the series over the eight weeks is ready for a graph, oldest first
    series = (
        await officer.execute(
            "{ rentArrearsSeries(weeks: 8) { reportDate inArrears bySegment { key accounts } } }"
        )
    ).ok()["rentArrearsSeries"]
    assert [s["reportDate"] for s in series] == [day.isoformat() for day in WEEKS]
    assert [s["inArrears"] for s in series] == [3, 4, 4, 3, 3, 4, 4, 5]
    assert [by_key(s["bySegment"])["returned"] for s in series] == [0, 0, 0, 0, 0, 1, 0, 0]
    assert [by_key(s["bySegment"])["cleared"] for s in series] == [0, 0, 0, 1, 0, 0, 0, 0]

    # and a figure drills down to its accounts
    drill = await officer.execute(
        DRILL, {"day": WEEKS[7].isoformat(), "filter": {"segment": "static"}}
    )
    assert sorted(
        n["account"]["reference"] for n in drill.ok()["rentArrearsWeekAccounts"]["nodes"]
    ) == [
        "RA003",
        "RA005",
    ]
    ann = overview["byOfficer"][0]["key"]
    for criteria, expected in (
        ({"officerId": ann}, ["RA001", "RA002"]),
        ({"unassigned": True, "inArrears": True}, ["RA005", "RA006"]),
        ({"band": "under_1"}, ["RA002", "RA006"]),
        ({"patchCode": "south"}, ["RA003", "RA005"]),
    ):
        found = await officer.execute(DRILL, {"day": WEEKS[7].isoformat(), "filter": criteria})
        nodes = found.ok()["rentArrearsWeekAccounts"]["nodes"]
        assert sorted(n["account"]["reference"] for n in nodes) == expected, criteria
    flagged = await officer.execute(
        DRILL, {"day": WEEKS[7].isoformat(), "filter": {"flagged": True}}
    )
    assert sorted(
        (n["account"]["reference"], n["flags"][0]["code"])
        for n in flagged.ok()["rentArrearsWeekAccounts"]["nodes"]
    ) == [("RA001", "persistent_increasing"), ("RA005", "uc_two_months")]
    week5 = await officer.execute(DRILL, {"day": WEEKS[4].isoformat(), "filter": {"flagged": True}})
    assert [n["account"]["reference"] for n in week5.ok()["rentArrearsWeekAccounts"]["nodes"]] == [
        "RA005"
    ]

    # when the officer turns the flagged account into a management plan
    assert [f["code"] for f in ra001["flags"]] == ["persistent_increasing"]
    assert ra001["nextAction"] == {"code": "first_contact"}
    plan = await officer.execute(PLAN, {"id": ra001["id"], "version": ra001["version"]})
    payload = plan.ok()["rentArrearsOpenManagementPlan"]

    # then a rent-arrears case exists with the tenant, the property and an arrears demand
    assert payload["errors"] == []
    case = payload["case"]
    assert case["reference"] == "RA-000001"
    assert case["module"] == "rent_arrears"
    assert case["parties"] == [{"person": {"id": known["person"]}}]
    assert case["places"] == [{"place": {"id": known["place_by_uprn"]}}]
    assert [d["type"]["code"] for d in case["demands"]] == ["rent_arrears"]
    assert "£650.00 owed, 6.5 weeks in arrears" in case["demands"][0]["description"]
    assert payload["account"]["caseId"] is not None

    # and an account no rule flags cannot get one
    ra004 = await history(officer, "RA004")
    refused = await officer.execute(PLAN, {"id": ra004["id"], "version": ra004["version"]})
    assert refused.ok()["rentArrearsOpenManagementPlan"]["errors"] == [
        {
            "code": "VALIDATION",
            "field": "accountId",
            "message": "The account is not flagged by any profiling rule.",
        }
    ]
