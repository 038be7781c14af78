"""`pdms gas_electric remind`: daily digests through the core outbox, once a day."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from gas_electric_support import gas_home, ok, record
from pdms_core.plugin import today
from pdms_core.testing.actors import staff
from sqlalchemy import text

GENERATOR = staff("gas_electric.job.generate", name="Gene Rator")


async def remind(settings, **extra: str):
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=settings.database_url, PDMS_PLUGINS="gas_electric", **extra)
    return await asyncio.to_thread(
        subprocess.run,
        [str(pdms), "gas_electric", "remind"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_digests_are_queued_once_a_day(graphql, pdms_settings, pdms_db, lookups):
    home = await gas_home(graphql, pdms_db, "1 Reminder Row")
    checked = (today() - timedelta(days=350)).isoformat()
    ok(await record(graphql, home["home"], checked, "CP-R"), "gasElectricRecordGasCheck")
    await gas_home(graphql, pdms_db, "2 Never Row")
    opened = await graphql.as_actor(GENERATOR).execute(
        "mutation { gasElectricGenerateJobs(withinDays: 30) { opened } }"
    )
    assert opened.ok()["gasElectricGenerateJobs"]["opened"] == 2

    refused = await remind(pdms_settings)
    assert refused.returncode != 0 and "REMINDER_EMAIL" in refused.stderr
    address = {
        "PDMS_GAS_ELECTRIC__REMINDER_EMAIL": "servicing@example.org",
        "PDMS_GAS_ELECTRIC__STALL_DAYS": "0",
    }
    first = await remind(pdms_settings, **address)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "2 stalled jobs, 2 homes due; 2 reminders queued"
    again = await remind(pdms_settings, **address)
    assert again.stdout.strip() == "2 stalled jobs, 2 homes due; 0 reminders queued"

    async with pdms_db.sessionmaker() as session:
        rows = (
            await session.execute(
                text("SELECT kind, channel, subject, body FROM notification_outbox ORDER BY id")
            )
        ).all()
    assert [(r.kind, r.channel) for r in rows] == [
        ("gas_electric_jobs_stalled", "email"),
        ("gas_electric_checks_due", "email"),
    ]
    assert rows[0].subject == "2 servicing jobs stalled more than 0 days"
    assert "Appointment letter 1 since" in rows[0].body
    assert rows[1].body.splitlines()[0] == "2 Never Row: never checked"
    assert rows[1].body.splitlines()[1].startswith("1 Reminder Row: due ")
