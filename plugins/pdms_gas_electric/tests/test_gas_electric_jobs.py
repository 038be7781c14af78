"""The staged access process: generated jobs, audited moves, skips, no access, letters."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from docx import Document as WordDocument
from gas_electric_support import READ, RECORD, WRITE, gas_home, ok, record
from pdms_core.plugin import today
from pdms_core.testing.actors import staff

JOB_READ = "gas_electric.job.read"
MOVER = staff(
    READ,
    WRITE,
    RECORD,
    JOB_READ,
    "gas_electric.job.move",
    "gas_electric.job.generate",
    "core.conditions.read",
    name="Morgan Mover",
)
SUPERVISOR = staff(
    READ, JOB_READ, "gas_electric.job.move", "gas_electric.job.override", name="Sam Supervisor"
)
LETTERS = staff(
    JOB_READ,
    "gas_electric.job.move",
    "core.letter.generate",
    "core.letter_template.manage",
    "core.document.read",
    name="Lee Letters",
)
GENERATE = """
mutation($days: Int!) {
  gasElectricGenerateJobs(withinDays: $days) { opened errors { code field message } }
}
"""
JOBS = """
query($open: Boolean) {
  gasElectricJobs(open: $open) {
    nodes { id kind dueOn version stage { code } home { propertyReference } }
  }
}
"""
MOVE = """
mutation($input: GasElectricMoveJobInput!) {
  gasElectricMoveJob(input: $input) {
    job {
      id version stage { code } closedOn noAccessCount
      moves { fromStage { code } toStage { code } movedBy reason visitOn
              visitOutcome { code } skipped letterDocumentId systemConditionId }
    }
    errors { code field message }
  }
}
"""
CONDITIONS = """
{ systemConditions(filter: {module: "gas_electric"}) { nodes { id description raisedOn
  type { code label } } } }
"""
JOB_DOCUMENTS = """
query($id: ID!) {
  node(id: $id) { ... on GasElectricJob { documents { nodes { id title category { code } } } } }
}
"""


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


async def due_home(graphql, db, address: str, reference: str) -> dict:
    """A home whose last check was 11 months ago: due within about a month."""
    home = await gas_home(graphql, db, address, reference=reference)
    ok(
        await record(graphql, home["home"], days_ago(330), f"CP-{reference}"),
        "gasElectricRecordGasCheck",
    )
    return home


async def open_jobs(graphql) -> list[dict]:
    found = await graphql.as_actor(MOVER).execute(JOBS, {"open": True})
    return found.ok()["gasElectricJobs"]["nodes"]


async def move(graphql, actor, job: dict, stage: str, **extra) -> dict:
    response = await graphql.as_actor(actor).execute(
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
    return response.ok()["gasElectricMoveJob"]


async def test_generation_is_idempotent_and_only_for_homes_due(graphql, pdms_db, lookups):
    await due_home(graphql, pdms_db, "1 Due Row", "D-1")
    fresh = await gas_home(graphql, pdms_db, "2 Fresh Row", reference="F-1")
    ok(await record(graphql, fresh["home"], days_ago(10), "CP-F"), "gasElectricRecordGasCheck")
    first = await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    assert first.ok()["gasElectricGenerateJobs"] == {"opened": 1, "errors": []}
    again = await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    assert again.ok()["gasElectricGenerateJobs"] == {"opened": 0, "errors": []}
    jobs = await open_jobs(graphql)
    assert [(j["kind"], j["stage"]["code"], j["home"]["propertyReference"]) for j in jobs] == [
        ("gas", "appointment_letter_1", "D-1")
    ]
    expected_due = today() - timedelta(days=330) + relativedelta(months=12)
    assert jobs[0]["dueOn"] == expected_due.isoformat()


async def test_a_home_walked_through_every_stage_with_its_audit_trail(graphql, pdms_db, lookups):
    await due_home(graphql, pdms_db, "3 Walk Row", "W-1")
    await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    (job,) = await open_jobs(graphql)
    steps = [
        ("appointment_letter_2", {"reason": "No reply to letter 1"}),
        ("no_access_visit", {"visitOn": days_ago(2), "visitOutcomeCode": "no_reply"}),
        (
            "no_access_visit",
            {
                "visitOn": days_ago(1),
                "visitOutcomeCode": "refused",
                "reason": "Tenant refused at the door",
            },
        ),
        ("final_warning", {"reason": "Two visits without access"}),
        ("forced_entry_referral", {"reason": "Legal referral"}),
        ("serviced", {"visitOn": days_ago(0), "visitOutcomeCode": "serviced"}),
        ("closed", {}),
    ]
    for stage, extra in steps:
        payload = await move(graphql, MOVER, job, stage, **extra)
        assert payload["errors"] == [], (stage, payload["errors"])
        job = payload["job"]
    assert (job["stage"]["code"], job["closedOn"], job["noAccessCount"]) == (
        "closed",
        today().isoformat(),
        2,
    )
    trail = [
        (
            m["fromStage"]["code"],
            m["toStage"]["code"],
            m["movedBy"],
            m["reason"],
            m["visitOn"],
            (m["visitOutcome"] or {}).get("code"),
            m["skipped"],
        )
        for m in job["moves"]
    ]
    assert trail == [
        (
            "appointment_letter_1",
            "appointment_letter_2",
            "Morgan Mover",
            "No reply to letter 1",
            None,
            None,
            [],
        ),
        (
            "appointment_letter_2",
            "no_access_visit",
            "Morgan Mover",
            "",
            days_ago(2),
            "no_reply",
            [],
        ),
        (
            "no_access_visit",
            "no_access_visit",
            "Morgan Mover",
            "Tenant refused at the door",
            days_ago(1),
            "refused",
            [],
        ),
        (
            "no_access_visit",
            "final_warning",
            "Morgan Mover",
            "Two visits without access",
            None,
            None,
            [],
        ),
        (
            "final_warning",
            "forced_entry_referral",
            "Morgan Mover",
            "Legal referral",
            None,
            None,
            [],
        ),
        ("forced_entry_referral", "serviced", "Morgan Mover", "", days_ago(0), "serviced", []),
        ("serviced", "closed", "Morgan Mover", "", None, None, []),
    ]
    # each no-access visit is a core system condition "no access to property"
    raised = [m["systemConditionId"] for m in job["moves"] if m["systemConditionId"]]
    assert len(raised) == 2
    conditions = (await graphql.as_actor(MOVER).execute(CONDITIONS)).ok()
    nodes = conditions["systemConditions"]["nodes"]
    assert sorted(n["id"] for n in nodes) == sorted(raised)
    assert {(n["type"]["code"], n["type"]["label"]) for n in nodes} == {
        ("no_access", "No access to property")
    }
    assert {n["raisedOn"] for n in nodes} == {days_ago(2), days_ago(1)}
    assert all("3 Walk Row" in n["description"] for n in nodes)
    # a closed job moves no more
    closed = await move(graphql, MOVER, job, "serviced")
    assert [e["field"] for e in closed["errors"]] == ["stageCode"]


async def test_a_skipped_required_stage_is_refused_without_the_override(graphql, pdms_db, lookups):
    await due_home(graphql, pdms_db, "4 Skip Row", "S-1")
    await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    (job,) = await open_jobs(graphql)
    # letter 1 -> final warning passes over letter 2 and the no-access visit
    refused = await move(graphql, MOVER, job, "final_warning", reason="In a hurry")
    assert refused["job"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "stageCode")]
    assert "Appointment letter 2, No-access visit" in refused["errors"][0]["message"]
    # asking for the override without holding it
    denied = await move(graphql, MOVER, job, "final_warning", override=True, reason="Urgent")
    assert [(e["code"], e["field"]) for e in denied["errors"]] == [
        ("PERMISSION_DENIED", "override")
    ]
    # holding it, but without a reason
    bare = await move(graphql, SUPERVISOR, job, "final_warning", override=True)
    assert [(e["code"], e["field"]) for e in bare["errors"]] == [("VALIDATION", "reason")]
    # nothing moved so far
    assert (await open_jobs(graphql))[0]["stage"]["code"] == "appointment_letter_1"
    # with both, the move is made and the skip recorded
    done = await move(
        graphql, SUPERVISOR, job, "final_warning", override=True, reason="Known refuser"
    )
    assert done["errors"] == []
    (made,) = done["job"]["moves"]
    assert (made["skipped"], made["movedBy"], made["reason"]) == (
        ["appointment_letter_2", "no_access_visit"],
        "Sam Supervisor",
        "Known refuser",
    )


async def test_an_outcome_is_reachable_from_any_stage(graphql, pdms_db, lookups):
    await due_home(graphql, pdms_db, "5 Quick Row", "Q-1")
    await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    (job,) = await open_jobs(graphql)
    done = await move(graphql, MOVER, job, "serviced", visitOn=days_ago(0))
    assert done["errors"] == []
    no_date = await move(graphql, MOVER, done["job"], "no_access_visit")
    assert [e["field"] for e in no_date["errors"]] == ["visitOn"]


def word_template(text: str) -> bytes:
    document = WordDocument()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


UPLOAD = """
mutation($input: UploadLetterTemplateInput!) {
  uploadLetterTemplate(input: $input) { template { id } errors { code field message } }
}
"""


async def test_a_move_to_a_letter_stage_files_the_letter_on_the_job(graphql, pdms_db, lookups):
    await due_home(graphql, pdms_db, "6 Letter Row", "L-1")
    await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    (job,) = await open_jobs(graphql)
    # without a template for the purpose, the move is refused and nothing moves
    missing = await move(graphql, LETTERS, job, "appointment_letter_2", letter=True)
    assert [e["field"] for e in missing["errors"]] == ["templateId"]
    operations = {
        "query": UPLOAD,
        "variables": {
            "input": {
                "purpose": "gas_electric.appointment_letter_2",
                "name": "Second appointment",
                "file": None,
            }
        },
    }
    uploaded = await graphql.as_actor(LETTERS).post(
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={
            "0": (
                "letter2.docx",
                word_template("Job {{ job_reference }} due {{ due_date }}"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        },
    )
    assert uploaded.json()["data"]["uploadLetterTemplate"]["errors"] == []
    moved = await move(graphql, LETTERS, job, "appointment_letter_2", letter=True)
    assert moved["errors"] == []
    (made,) = moved["job"]["moves"]
    assert made["letterDocumentId"] is not None
    documents = await graphql.as_actor(LETTERS).execute(JOB_DOCUMENTS, {"id": job["id"]})
    (document,) = documents.ok()["node"]["documents"]["nodes"]
    assert (document["id"], document["category"]["code"]) == (made["letterDocumentId"], "letter")


async def test_the_command_generates_jobs_once(graphql, pdms_settings, pdms_db, lookups):
    await due_home(graphql, pdms_db, "7 Command Row", "C-1")
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env["PDMS_DATABASE_URL"] = pdms_settings.database_url
    env["PDMS_PLUGINS"] = "gas_electric"
    runs = []
    for _ in range(2):
        runs.append(
            await asyncio.to_thread(
                subprocess.run,
                [str(pdms), "gas_electric", "generate-jobs", "--within", "60"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        )
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert [r.stdout.strip() for r in runs] == ["opened 1 gas job", "opened 0 gas jobs"]
    assert [j["home"]["propertyReference"] for j in await open_jobs(graphql)] == ["C-1"]


UPLOAD_DOCUMENT = """
mutation($input: UploadDocumentInput!) {
  uploadDocument(input: $input) { document { id title } errors { code field message } }
}
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def test_a_certificate_is_filed_on_the_job(graphql, pdms_db, lookups):
    await due_home(graphql, pdms_db, "8 Certificate Row", "CERT-1")
    await graphql.as_actor(MOVER).execute(GENERATE, {"days": 60})
    (job,) = await open_jobs(graphql)
    filer = staff(JOB_READ, "core.document.upload", "core.document.read", name="Fay Filer")
    operations = {
        "query": UPLOAD_DOCUMENT,
        "variables": {
            "input": {
                "holderId": job["id"],
                "file": None,
                "category": "certificate",
                "title": "LGSR CP-CERT-1",
            }
        },
    }
    uploaded = await graphql.as_actor(filer).post(
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("lgsr.pdf", PDF, "application/pdf")},
    )
    payload = uploaded.json()["data"]["uploadDocument"]
    assert payload["errors"] == []
    documents = await graphql.as_actor(filer).execute(JOB_DOCUMENTS, {"id": job["id"]})
    (document,) = documents.ok()["node"]["documents"]["nodes"]
    assert (document["title"], document["category"]["code"]) == ("LGSR CP-CERT-1", "certificate")
    # filing on a job needs read access to jobs, as node(id:) decides
    outsider = staff("core.document.upload", "core.document.read", name="Otto Outsider")
    refused = await graphql.as_actor(outsider).post(
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("lgsr.pdf", PDF, "application/pdf")},
    )
    assert refused.json()["data"]["uploadDocument"]["document"] is None
