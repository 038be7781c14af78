"""Electrical installation condition reports and the lighter electrical job flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gas_electric_support import OFFICER, READER, gas_home, ok
from pdms_core.plugin import today
from pdms_core.testing.actors import staff

RECORD_EICR = """
mutation($input: GasElectricRecordEicrInput!) {
  gasElectricRecordEicr(input: $input) {
    eicr { id satisfactory statedSatisfactory nextDueOn remedialDueOn breaches
           observations { code description } }
    errors { code field message }
  }
}
"""
COMPLETE = """
mutation($id: ID!, $on: Date!) {
  gasElectricCompleteEicrRemedials(eicrId: $id, completedOn: $on) {
    eicr { remedialsCompletedOn breaches } errors { code field message }
  }
}
"""
HOME_ELECTRICS = """
query($place: ID!) {
  gasElectricHome(placeId: $place) { lastEicrOn eicrDueOn electricalBreaches
    eicrs { reportNumber } }
}
"""
FIELD = "gasElectricRecordEicr"


def eicr(home: str, inspected_on: str, number: str, *codes: str, **extra) -> dict:
    return {
        "input": {
            "homeId": home,
            "inspectedOn": inspected_on,
            "reportNumber": number,
            "inspectorName": "Ira Inspector",
            "statedSatisfactory": extra.pop("statedSatisfactory", True),
            "observations": [{"code": c, "description": f"{c} finding"} for c in codes],
            **extra,
        }
    }


async def record_eicr(graphql, payload: dict):
    return await graphql.as_actor(OFFICER).execute(RECORD_EICR, payload)


@pytest.mark.parametrize(
    ("codes", "extra", "satisfactory", "next_due", "remedial_due"),
    [
        # C3 alone is satisfactory; next inspection 5 calendar years on (29 Feb -> 28 Feb)
        (("C3",), {}, True, "2029-02-28", None),
        # a C2 makes it unsatisfactory whatever the summary says: day 1 is the inspection
        (("C3", "C2"), {}, False, "2029-02-28", "2024-03-27"),
        (("C1",), {}, False, "2029-02-28", "2024-03-27"),
        (("FI",), {"statedSatisfactory": False}, False, "2029-02-28", "2024-03-27"),
        # a shorter period and an earlier next inspection from the report
        (
            ("C2",),
            {"remedialDays": 14, "recommendedNextOn": "2027-02-01"},
            False,
            "2027-02-01",
            "2024-03-13",
        ),
    ],
)
async def test_the_result_and_its_clocks(
    graphql, pdms_db, lookups, codes, extra, satisfactory, next_due, remedial_due
):
    home = await gas_home(graphql, pdms_db)
    made = ok(
        await record_eicr(graphql, eicr(home["home"], "2024-02-29", "E-1", *codes, **extra)), FIELD
    )["eicr"]
    assert (made["satisfactory"], made["nextDueOn"], made["remedialDueOn"]) == (
        satisfactory,
        next_due,
        remedial_due,
    )
    assert [o["code"] for o in made["observations"]] == list(codes)
    data = (await graphql.as_actor(READER).execute(HOME_ELECTRICS, {"place": home["place"]})).ok()
    assert (data["gasElectricHome"]["lastEicrOn"], data["gasElectricHome"]["eicrDueOn"]) == (
        "2024-02-29",
        next_due,
    )


async def test_an_unsatisfactory_report_starts_its_remedial_clock(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    inspected = today() - timedelta(days=27)
    # the inspection is day 1, so today is day 28: still in time
    made = ok(
        await record_eicr(graphql, eicr(home["home"], inspected.isoformat(), "E-2", "C2")), FIELD
    )["eicr"]
    assert made["remedialDueOn"] == (inspected + timedelta(days=27)).isoformat()
    assert made["breaches"] == []
    late = ok(
        await record_eicr(
            graphql,
            eicr(home["home"], (inspected - timedelta(days=1)).isoformat(), "E-1", "C1"),
        ),
        FIELD,
    )["eicr"]
    assert late["breaches"] == ["remedial_overdue"]
    data = (await graphql.as_actor(READER).execute(HOME_ELECTRICS, {"place": home["place"]})).ok()
    # the newest report is the home's; its clock has not run out
    assert data["gasElectricHome"]["electricalBreaches"] == []
    done = await graphql.as_actor(OFFICER).execute(
        COMPLETE, {"id": late["id"], "on": today().isoformat()}
    )
    assert ok(done, "gasElectricCompleteEicrRemedials")["eicr"]["breaches"] == []


async def test_a_home_without_a_report_or_past_its_date(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    data = (await graphql.as_actor(READER).execute(HOME_ELECTRICS, {"place": home["place"]})).ok()
    assert data["gasElectricHome"]["electricalBreaches"] == ["eicr_missing"]
    ok(await record_eicr(graphql, eicr(home["home"], "2020-01-10", "E-OLD")), FIELD)
    data = (await graphql.as_actor(READER).execute(HOME_ELECTRICS, {"place": home["place"]})).ok()
    assert data["gasElectricHome"]["electricalBreaches"] == ["eicr_overdue"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"observations": [{"code": "C4"}]}, "observations"),
        ({"remedialDays": 40}, "remedialDays"),
        ({"recommendedNextOn": "2024-01-01"}, "recommendedNextOn"),
        ({"inspectorName": ""}, "inspectorName"),
    ],
)
async def test_a_bad_report_is_refused(graphql, pdms_db, lookups, change, field):
    home = await gas_home(graphql, pdms_db)
    payload = eicr(home["home"], "2024-02-29", "E-BAD")
    payload["input"].update(change)
    refused = (await record_eicr(graphql, payload)).ok()[FIELD]
    assert [e["field"] for e in refused["errors"]] == [field]
    data = (await graphql.as_actor(READER).execute(HOME_ELECTRICS, {"place": home["place"]})).ok()
    assert data["gasElectricHome"]["eicrs"] == []


ELECTRICIAN = staff(
    "gas_electric.home.read",
    "gas_electric.job.read",
    "gas_electric.job.move",
    "gas_electric.job.generate",
    name="Elle Electrician",
)
GENERATE = """
mutation { gasElectricGenerateJobs(withinDays: 30, kind: "electrical") { opened errors { code } } }
"""
JOBS = """
{ gasElectricJobs(kind: "electrical") { nodes { id version kind stage { code } closedOn } } }
"""
MOVE = """
mutation($input: GasElectricMoveJobInput!) {
  gasElectricMoveJob(input: $input) {
    job { id version stage { code } noAccessCount closedOn } errors { code field message }
  }
}
"""


async def test_the_lighter_electrical_flow(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    # due in 10 days: inspected five years ago minus 10 days
    from dateutil.relativedelta import relativedelta

    inspected = today() + timedelta(days=10) - relativedelta(years=5)
    ok(await record_eicr(graphql, eicr(home["home"], inspected.isoformat(), "E-5")), FIELD)
    client = graphql.as_actor(ELECTRICIAN)
    assert (await client.execute(GENERATE)).ok()["gasElectricGenerateJobs"]["opened"] == 1
    assert (await client.execute(GENERATE)).ok()["gasElectricGenerateJobs"]["opened"] == 0
    (job,) = (await client.execute(JOBS)).ok()["gasElectricJobs"]["nodes"]
    assert job["stage"]["code"] == "booked"
    for stage, extra in (("no_access_visit", {"visitOn": today().isoformat()}), ("done", {})):
        moved = (
            await client.execute(
                MOVE,
                {
                    "input": {
                        "jobId": job["id"],
                        "expectedVersion": job["version"],
                        "stageCode": stage,
                        **extra,
                    }
                },
            )
        ).ok()["gasElectricMoveJob"]
        assert moved["errors"] == []
        job = moved["job"]
    assert (job["noAccessCount"], job["closedOn"]) == (1, today().isoformat())
    # gas stages are not electrical stages
    await client.execute(GENERATE)
    (reopened,) = [
        j
        for j in (await client.execute(JOBS)).ok()["gasElectricJobs"]["nodes"]
        if j["closedOn"] is None
    ]
    wrong = (
        await client.execute(
            MOVE,
            {
                "input": {
                    "jobId": reopened["id"],
                    "expectedVersion": reopened["version"],
                    "stageCode": "final_warning",
                }
            },
        )
    ).ok()["gasElectricMoveJob"]
    assert [e["field"] for e in wrong["errors"]] == ["stageCode"]
