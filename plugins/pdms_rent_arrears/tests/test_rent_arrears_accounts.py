"""After import: rent-free weeks, the action cascade, linking, caseloads, the graph."""

from __future__ import annotations

from datetime import timedelta

from rent_arrears_support import (
    HEADERS,
    IMPORT,
    OFFICER,
    READER,
    WEEKS,
    Tenancy,
    prepared_database,
    report_rows,
    upload,
    write_xlsx,
)

TENANCIES = [
    Tenancy(
        "RA001",
        "Tilly Tenantson",
        "1 Fictional Row",
        "100000000001",
        100,
        (100, 200, 150, 250),
        patch="north",
    ),
    Tenancy(
        "RA302", "Owen Owing", "2 Fictional Row, Testville, TV1 1AA", "", 100, (300, 400, 450, 500)
    ),
    Tenancy("RA303", "Nora None", "7 Nowhere Lane", "", 100, (0, 0, 0, 0)),
]
ACCOUNT = """
query($reference: String!) {
  rentArrearsAccount(reference: $reference) {
    id version placeId
    weeks { reportDate segment trendWeeks rentFree }
    nextAction { code } nextActionSuppressed lastAction { code }
  }
}
"""
RENT_FREE = """
mutation($day: Date!) {
  rentArrearsSetRentFreeWeek(weekDate: $day, rentFree: true) { rentFreeWeeks errors { code } }
}
"""
RECORD = """
mutation($id: ID!, $version: Int!, $code: String!, $on: Date!) {
  rentArrearsRecordAction(accountId: $id, expectedVersion: $version, actionCode: $code, takenOn: $on) {
    account { version nextAction { code } nextActionSuppressed } errors { code field }
  }
}
"""  # noqa: E501
AGREEMENT = """
mutation($id: ID!, $version: Int!, $until: Date) {
  rentArrearsSetAgreement(accountId: $id, expectedVersion: $version, until: $until) {
    account { nextAction { code } nextActionSuppressed } errors { code field }
  }
}
"""
UNLINKED = "{ rentArrearsAccounts(unlinked: true) { nodes { reference } } }"
LINK = """
mutation($id: ID!, $version: Int!, $place: ID) {
  rentArrearsLinkAccount(accountId: $id, expectedVersion: $version, placeId: $place) {
    account { placeId } errors { code }
  }
}
"""
CASELOADS = "{ rentArrearsCaseloads { officerName accounts inArrears arrearsPence } }"
GRAPH = """
query($person: ID!, $place: ID!) {
  person(id: $person) {
    moduleRecords { module summary ... on RentArrearsAccount { reference latestWeek { balancePence } } }
  }
  place(id: $place) { moduleRecords { module ... on RentArrearsAccount { reference } } }
}
"""  # noqa: E501


async def import_weeks(officer, tmp_path, weeks=4):
    for week in range(weeks):
        path = write_xlsx(tmp_path / f"w{week}.xlsx", HEADERS, report_rows(TENANCIES, week))
        result = (await officer.execute(IMPORT, upload(path, WEEKS[week]))).ok()
        assert result["rentArrearsImportReport"]["errors"] == []


async def account(client, reference):
    return (await client.execute(ACCOUNT, {"reference": reference})).ok()["rentArrearsAccount"]


async def test_a_rent_free_week_is_not_a_trend(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    await import_weeks(officer, tmp_path)
    weeks = (await account(officer, "RA001"))["weeks"][::-1]
    assert [(w["segment"], w["trendWeeks"]) for w in weeks] == [
        ("new", 1),
        ("increasing", 1),
        ("decreasing", 1),
        ("increasing", 1),
    ]

    # when the third week is configured rent-free (after its import)
    marked = (await officer.execute(RENT_FREE, {"day": WEEKS[2].isoformat()})).ok()
    assert marked["rentArrearsSetRentFreeWeek"]["rentFreeWeeks"] == [WEEKS[2].isoformat()]

    # then its fall is no trend, and the next week continues the increase
    weeks = (await account(officer, "RA001"))["weeks"][::-1]
    assert [(w["segment"], w["trendWeeks"], w["rentFree"]) for w in weeks] == [
        ("new", 1, False),
        ("increasing", 1, False),
        ("increasing", 1, True),
        ("increasing", 2, False),
    ]


async def test_the_action_cascade_and_an_agreement(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    await import_weeks(officer, tmp_path)
    owing = await account(officer, "RA302")
    assert (owing["nextAction"], owing["nextActionSuppressed"]) == (
        {"code": "first_contact"},
        False,
    )
    assert (await account(officer, "RA303"))["nextAction"] is None  # not in arrears

    recorded = await officer.execute(
        RECORD,
        {
            "id": owing["id"],
            "version": owing["version"],
            "code": "first_contact",
            "on": WEEKS[2].isoformat(),
        },
    )
    first = recorded.ok()["rentArrearsRecordAction"]["account"]
    assert first["nextAction"] == {"code": "letter_1"}

    # letter 2 waits 7 days after letter 1
    second = (
        await officer.execute(
            RECORD,
            {
                "id": owing["id"],
                "version": first["version"],
                "code": "letter_1",
                "on": WEEKS[3].isoformat(),
            },
        )
    ).ok()["rentArrearsRecordAction"]["account"]
    assert second["nextAction"] is None

    stale = await officer.execute(
        RECORD,
        {
            "id": owing["id"],
            "version": owing["version"],
            "code": "letter_2",
            "on": WEEKS[3].isoformat(),
        },
    )
    assert stale.ok()["rentArrearsRecordAction"]["errors"][0]["code"] == "CONFLICT"

    # an older letter 1 makes letter 2 due, unless a repayment agreement is active
    earlier = (
        await officer.execute(
            RECORD,
            {
                "id": owing["id"],
                "version": second["version"],
                "code": "letter_1",
                "on": WEEKS[1].isoformat(),
            },
        )
    ).ok()["rentArrearsRecordAction"]["account"]
    assert earlier["nextAction"] == {"code": "letter_2"}
    agreed = await officer.execute(
        AGREEMENT,
        {
            "id": owing["id"],
            "version": earlier["version"],
            "until": (WEEKS[3] + timedelta(days=30)).isoformat(),
        },
    )
    assert agreed.ok()["rentArrearsSetAgreement"]["account"] == {
        "nextAction": None,
        "nextActionSuppressed": True,
    }


async def test_linking_caseloads_and_the_graph(graphql, pdms_db, pdms_host, tmp_path):
    known = await prepared_database(pdms_db, pdms_host)
    officer = graphql.as_actor(OFFICER)
    await import_weeks(officer, tmp_path, weeks=2)

    # RA001 linked by tenancy reference and UPRN, RA302 to a place by its address
    unlinked = (await officer.execute(UNLINKED)).ok()["rentArrearsAccounts"]["nodes"]
    assert [a["reference"] for a in unlinked] == ["RA302", "RA303"]
    nora = await account(officer, "RA303")
    linked = await officer.execute(
        LINK, {"id": nora["id"], "version": nora["version"], "place": known["place_by_address"]}
    )
    assert linked.ok()["rentArrearsLinkAccount"]["account"] == {
        "placeId": known["place_by_address"]
    }

    # caseloads: the patch rule gives north to Ann; the rest are unassigned
    await officer.execute(
        'mutation($o: ID) { rentArrearsAssignPatch(patchCode: "north", officerId: $o) { assigned } }',  # noqa: E501
        {"o": known["officers"]["ann"]},
    )
    assert (await officer.execute(CASELOADS)).ok()["rentArrearsCaseloads"] == [
        {"officerName": "Ann Arrears", "accounts": 1, "inArrears": 1, "arrearsPence": 20000},
        {"officerName": "Unassigned", "accounts": 2, "inArrears": 1, "arrearsPence": 40000},
    ]
    unassigned = await officer.execute(
        "{ rentArrearsAccounts(unassigned: true) { nodes { reference } } }"
    )
    assert [a["reference"] for a in unassigned.ok()["rentArrearsAccounts"]["nodes"]] == [
        "RA302",
        "RA303",
    ]

    # the accounts are reachable from the core Person and Place in one query
    graph = await officer.execute(
        GRAPH, {"person": known["person"], "place": known["place_by_address"]}
    )
    data = graph.ok()
    assert data["person"]["moduleRecords"] == [
        {
            "module": "rent_arrears",
            "summary": "Rent account RA001",
            "reference": "RA001",
            "latestWeek": {"balancePence": 20000},
        }
    ]
    assert data["place"]["moduleRecords"] == [
        {"module": "rent_arrears", "reference": "RA302"},
        {"module": "rent_arrears", "reference": "RA303"},
    ]


async def test_reading_is_not_importing(graphql, pdms_db, pdms_host, tmp_path):
    await prepared_database(pdms_db, pdms_host)
    path = write_xlsx(tmp_path / "w.xlsx", HEADERS, report_rows(TENANCIES, 0))
    refused = await graphql.as_actor(READER).execute(IMPORT, upload(path, WEEKS[0]))
    assert refused.error_codes() == ["PERMISSION_DENIED"]
    anonymous = await graphql.execute("{ rentArrearsCaseloads { accounts } }")
    assert anonymous.error_codes() == ["UNAUTHENTICATED"]
