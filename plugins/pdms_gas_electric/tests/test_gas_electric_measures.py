"""Measures (BS01 and friends) on a small hand-computed fixture, and their drill-down lists."""

from __future__ import annotations

from datetime import timedelta

from gas_electric_support import (
    ADD_APPLIANCE,
    OFFICER,
    SET_HOME,
    add_place,
    gas_home,
    ok,
    record,
)
from pdms_core.plugin import today
from pdms_core.testing.actors import staff

VIEWER = staff("core.measures.read", "gas_electric.home.read", name="Vic Viewer")
MEASURE = """
query($name: String!, $to: Date) {
  measure(name: $name, filter: {to: $to}) { columns { name } rows }
}
"""
LIST = """
query($status: GasElectricHomeStatus!, $first: Int) {
  gasElectricHomeList(status: $status, first: $first) {
    nodes { address uprn gasDueOn breaches appliances { id } }
  }
}
"""


def ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


async def checked(graphql, db, address: str, days_ago: int | None) -> dict:
    home = await gas_home(graphql, db, address)
    if days_ago is not None:
        ok(
            await record(graphql, home["home"], ago(days_ago), f"CP-{address[:2]}"),
            "gasElectricRecordGasCheck",
        )
    return home


async def fixture(graphql, db) -> None:
    """Four homes need a check (A, B, C, F); two are in date today (A, F)."""
    await checked(graphql, db, "A in date", 100)
    await checked(graphql, db, "B lapsed", 400)
    await checked(graphql, db, "C never", None)
    await checked(graphql, db, "F due soon", 340)
    client = graphql.as_actor(OFFICER)
    tenant = await add_place(db, "D tenant cooker only")
    home = ok(
        await client.execute(SET_HOME, {"input": {"placeId": tenant, "gasSupply": "live"}}),
        "gasElectricSetHome",
    )["home"]
    ok(
        await client.execute(
            ADD_APPLIANCE,
            {"input": {"homeId": home["id"], "typeCode": "cooker", "landlordOwned": False}},
        ),
        "gasElectricAddAppliance",
    )
    capped = await gas_home(graphql, db, "E capped")
    ok(
        await client.execute(
            SET_HOME, {"input": {"placeId": capped["place"], "gasSupply": "capped"}}
        ),
        "gasElectricSetHome",
    )


async def measure(graphql, name: str, to: str | None = None) -> dict:
    found = await graphql.as_actor(VIEWER).execute(MEASURE, {"name": name, "to": to})
    table = found.ok()["measure"]
    names = [c["name"] for c in table["columns"]]
    return [dict(zip(names, row, strict=True)) for row in table["rows"]]


async def test_bs01_matches_the_hand_count(graphql, pdms_db, lookups):
    await fixture(graphql, pdms_db)
    (row,) = await measure(graphql, "gas_electric.bs01")
    assert (row["homes"], row["valid"], row["percent"]) == ("4", "2", "50.0")
    # 380 days ago only B's check (400 days ago) had been done: A and F came later
    (then,) = await measure(graphql, "gas_electric.bs01", ago(380))
    assert (then["measured_on"], then["homes"], then["valid"], then["percent"]) == (
        ago(380),
        "4",
        "1",
        "25.0",
    )


async def test_due_bands_and_their_lists(graphql, pdms_db, lookups):
    await fixture(graphql, pdms_db)
    bands = await measure(graphql, "gas_electric.gas_due")
    assert [(b["status"], b["homes"]) for b in bands] == [
        ("GAS_OVERDUE", "2"),
        ("GAS_DUE_30", "1"),
        ("GAS_DUE_60", "0"),
        ("GAS_DUE_90", "0"),
    ]
    overdue = await graphql.as_actor(VIEWER).execute(LIST, {"status": "GAS_OVERDUE"})
    nodes = overdue.ok()["gasElectricHomeList"]["nodes"]
    # never checked is the most overdue of all; then the longest overdue
    assert [(n["address"], n["breaches"][0]) for n in nodes] == [
        ("C never", "overdue"),
        ("B lapsed", "overdue"),
    ]
    soon = await graphql.as_actor(VIEWER).execute(LIST, {"status": "GAS_DUE_30"})
    assert [n["address"] for n in soon.ok()["gasElectricHomeList"]["nodes"]] == ["F due soon"]
    valid = await graphql.as_actor(VIEWER).execute(LIST, {"status": "GAS_VALID"})
    assert [n["address"] for n in valid.ok()["gasElectricHomeList"]["nodes"]] == [
        "F due soon",
        "A in date",
    ]


PAGE = """
query($status: GasElectricHomeStatus!, $first: Int, $after: String) {
  gasElectricHomeList(status: $status, first: $first, after: $after) {
    nodes { address gasDueOn } pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_lists_page_in_due_date_order(graphql, pdms_db, lookups):
    await fixture(graphql, pdms_db)
    for n, days in enumerate((20, 5, 5, 400)):  # two homes due on one day: then by id
        await checked(graphql, pdms_db, f"Also {n}", days)
    client = graphql.as_actor(VIEWER)
    whole = (await client.execute(PAGE, {"status": "GAS_NEEDS_CHECK", "first": 100})).ok()
    everything = whole["gasElectricHomeList"]["nodes"]
    dues = [n["gasDueOn"] for n in everything]
    assert dues[0] is None and dues[1:] == sorted(dues[1:])
    assert [n["address"] for n in everything if n["gasDueOn"] == dues[-1]] == ["Also 1", "Also 2"]
    walked, after = [], None
    while True:
        page = (
            await client.execute(PAGE, {"status": "GAS_NEEDS_CHECK", "first": 2, "after": after})
        ).ok()["gasElectricHomeList"]
        walked += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything


async def test_a_list_costs_the_same_statements_for_more_homes(
    graphql, pdms_db, lookups, sql_statements
):
    for n in range(2):
        await checked(graphql, pdms_db, f"Overdue {n}", 500 + n)
    sql_statements.reset()
    few = await graphql.as_actor(VIEWER).execute(LIST, {"status": "GAS_OVERDUE", "first": 100})
    assert len(few.ok()["gasElectricHomeList"]["nodes"]) == 2
    small = sql_statements.count
    for n in range(2, 8):
        await checked(graphql, pdms_db, f"Overdue {n}", 500 + n)
    sql_statements.reset()
    many = await graphql.as_actor(VIEWER).execute(LIST, {"status": "GAS_OVERDUE", "first": 100})
    assert len(many.ok()["gasElectricHomeList"]["nodes"]) == 8
    assert sql_statements.count == small
    sql_statements.reset()
    await measure(graphql, "gas_electric.bs01")
    bs01 = sql_statements.count
    await checked(graphql, pdms_db, "One more", 20)
    sql_statements.reset()
    await measure(graphql, "gas_electric.bs01")
    assert sql_statements.count == bs01


async def test_jobs_access_and_remedial_measures(graphql, pdms_db, lookups):
    await checked(graphql, pdms_db, "J due", 340)
    await checked(graphql, pdms_db, "K due", 345)
    mover = staff("gas_electric.job.generate", "gas_electric.job.move", "gas_electric.job.read")
    generated = await graphql.as_actor(mover).execute(
        'mutation { gasElectricGenerateJobs(withinDays: 60, contractorCode: "in_house") '
        "{ opened errors { field } } }"
    )
    assert generated.ok()["gasElectricGenerateJobs"] == {"opened": 2, "errors": []}
    stages = await measure(graphql, "gas_electric.jobs_by_stage")
    assert stages == [
        {
            "kind": "gas",
            "stage_code": "appointment_letter_1",
            "stage": "Appointment letter 1",
            "open_jobs": "2",
        }
    ]
    contractors = await measure(graphql, "gas_electric.jobs_by_contractor")
    assert [(c["contractor_code"], c["open_jobs"]) for c in contractors] == [("in_house", "2")]
    jobs = await graphql.as_actor(mover).execute("{ gasElectricJobs { nodes { id version } } }")
    first, second = jobs.ok()["gasElectricJobs"]["nodes"]
    move = """mutation($input: GasElectricMoveJobInput!) {
      gasElectricMoveJob(input: $input) { job { id version } errors { field } } }"""
    for job, steps in (
        (first, [("appointment_letter_2", None), ("no_access_visit", ago(0))]),
        (second, [("serviced", ago(0))]),
    ):
        for stage, day in steps:
            moved = await graphql.as_actor(mover).execute(
                move,
                {
                    "input": {
                        "jobId": job["id"],
                        "expectedVersion": job["version"],
                        "stageCode": stage,
                        "visitOn": day,
                    }
                },
            )
            payload = moved.ok()["gasElectricMoveJob"]
            assert payload["errors"] == []
            job = payload["job"]
    (access,) = await measure(graphql, "gas_electric.access")
    assert access == {
        "kind": "gas",
        "jobs": "2",
        "no_access_jobs": "1",
        "no_access_rate": "50.0",
        "accessed_jobs": "1",
        "average_days_to_access": "0.0",
    }
    (remedial,) = await measure(graphql, "gas_electric.remedials_overdue")
    assert remedial["homes"] == "0"
