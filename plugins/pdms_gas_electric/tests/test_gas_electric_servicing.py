"""Recording a check moves the home's open job to serviced, in its audited stage history."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from gas_electric_support import gas_home, ok, record
from pdms_core.plugin import today
from test_gas_electric_eicrs import FIELD, eicr, record_eicr
from test_gas_electric_jobs import GENERATE, MOVE, MOVER
from test_gas_electric_returns import csv_bytes, send

JOBS = """
query($kind: String) {
  gasElectricJobs(kind: $kind) {
    nodes { id version kind stage { code } stageSince closedOn home { id }
            moves { fromStage { code } toStage { code } movedBy reason visitOn
                    visitOutcome { code } } }
  }
}
"""
ELECTRICAL = 'mutation { gasElectricGenerateJobs(withinDays: 30, kind: "electrical") { opened } }'


def day(days_ago: int) -> str:
    return (today() - timedelta(days=days_ago)).isoformat()


async def jobs(graphql, kind: str = "gas") -> list[dict]:
    found = await graphql.as_actor(MOVER).execute(JOBS, {"kind": kind})
    return found.ok()["gasElectricJobs"]["nodes"]


async def open_gas_job(graphql, pdms_db, **home) -> dict:
    made = await gas_home(graphql, pdms_db, **home)  # never checked: due now
    ok(await graphql.as_actor(MOVER).execute(GENERATE, {"days": 30}), "gasElectricGenerateJobs")
    return made


async def test_a_gas_check_services_the_open_job_naming_the_record(graphql, pdms_db, lookups):
    home = await open_gas_job(graphql, pdms_db)
    (before,) = await jobs(graphql)
    assert before["stage"]["code"] == "appointment_letter_1" and before["moves"] == []
    ok(await record(graphql, home["home"], day(3), "cp-sv-1"), "gasElectricRecordGasCheck")
    (job,) = await jobs(graphql)
    assert (job["stage"]["code"], job["closedOn"], job["stageSince"]) == (
        "serviced",
        None,
        today().isoformat(),
    )
    assert job["version"] == before["version"] + 1
    assert job["moves"] == [
        {
            "fromStage": {"code": "appointment_letter_1"},
            "toStage": {"code": "serviced"},
            "movedBy": "Gail Gasworth",
            "reason": f"Gas safety record CP-SV-1 of {day(3)} recorded.",
            "visitOn": day(3),
            "visitOutcome": {"code": "serviced"},
        }
    ]
    # an older certificate entered late services nothing; nor does a later one re-move it
    ok(await record(graphql, home["home"], day(200), "cp-sv-0"), "gasElectricRecordGasCheck")
    ok(await record(graphql, home["home"], day(1), "cp-sv-2"), "gasElectricRecordGasCheck")
    (job,) = await jobs(graphql)
    assert len(job["moves"]) == 1


async def test_a_closed_job_stays_closed(graphql, pdms_db, lookups):
    home = await open_gas_job(graphql, pdms_db)
    (job,) = await jobs(graphql)
    closing = {
        "input": {
            "jobId": job["id"],
            "expectedVersion": job["version"],
            "stageCode": "closed",
            "reason": "Tenant moved out; the home is void.",
        }
    }
    ok(await graphql.as_actor(MOVER).execute(MOVE, closing), "gasElectricMoveJob")
    ok(await record(graphql, home["home"], day(2), "CP-CL-1"), "gasElectricRecordGasCheck")
    (job,) = await jobs(graphql)
    assert (job["stage"]["code"], job["closedOn"]) == ("closed", today().isoformat())
    assert [m["toStage"]["code"] for m in job["moves"]] == ["closed"]


async def test_an_eicr_completes_the_electrical_job(graphql, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db)
    inspected = today() + timedelta(days=10) - relativedelta(years=5)
    ok(await record_eicr(graphql, eicr(home["home"], inspected.isoformat(), "E-OLD")), FIELD)
    opened = await graphql.as_actor(MOVER).execute(ELECTRICAL)
    assert opened.ok()["gasElectricGenerateJobs"]["opened"] == 1
    ok(await record_eicr(graphql, eicr(home["home"], day(1), "e-new")), FIELD)
    (job,) = await jobs(graphql, "electrical")
    # the electrical list has no open outcome: done closes the job
    assert (job["stage"]["code"], job["closedOn"]) == ("done", today().isoformat())
    assert job["moves"][0]["reason"] == f"EICR E-NEW of {day(1)} recorded."
    again = await graphql.as_actor(MOVER).execute(ELECTRICAL)
    assert again.ok()["gasElectricGenerateJobs"]["opened"] == 0  # in date for five years


async def test_a_contractor_return_services_the_jobs_of_its_homes(graphql, pdms_db, lookups):
    await open_gas_job(graphql, pdms_db, uprn=100090000001, reference="GX-1")
    row = ["gas", "100090000001", "", day(4), "LG-RT", "Ellis Engineer", "123456", "pass"]
    done = await send(graphql, csv_bytes([[*row, "", day(4), ""]]))
    assert done["result"]["imported"] is True
    (job,) = await jobs(graphql)
    assert job["stage"]["code"] == "serviced"
    (move,) = job["moves"]
    assert move["movedBy"] == "Ivy Importer (contractor return)"
    assert (move["reason"], move["visitOn"]) == (
        f"Gas safety record LG-RT of {day(4)} recorded.",
        day(4),
    )
