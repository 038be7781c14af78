"""`pdms demo seed` gives the demo council homes with gas and checks in every state."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from pdms_core.testing.actors import staff

VIEWER = staff(
    "core.measures.read", "gas_electric.home.read", "gas_electric.job.read", name="Dee Demo"
)
LIST = """
query($status: GasElectricHomeStatus!) {
  gasElectricHomeList(status: $status, first: 100) {
    nodes { breaches electricalBreaches gasChecks { breaches } }
  }
}
"""
BS01 = '{ measure(name: "gas_electric.bs01") { rows } }'
STAGES = '{ measure(name: "gas_electric.jobs_by_stage") { rows } }'


async def test_the_demo_council_has_homes_in_every_state(graphql, pdms_settings, pdms_db):
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=pdms_settings.database_url, PDMS_PLUGINS="gas_electric")
    done = await asyncio.to_thread(
        subprocess.run,
        [str(pdms), "demo", "seed", "--size", "small", "--seed", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "\n  gas_electric: 300 homes, 200 with gas, " in done.stdout
    client = graphql.as_actor(VIEWER)
    (row,) = (await client.execute(BS01)).ok()["measure"]["rows"]
    assert int(row[1]) == 200 and 0 < int(row[2]) < 200
    seen: dict[str, list] = {}
    for status in (
        "GAS_VALID",
        "GAS_OVERDUE",
        "GAS_DUE_30",
        "GAS_DUE_90",
        "EICR_VALID",
        "EICR_MISSING",
        "EICR_OVERDUE",
        "EICR_REMEDIAL_OVERDUE",
    ):
        nodes = (await client.execute(LIST, {"status": status})).ok()
        seen[status] = nodes["gasElectricHomeList"]["nodes"]
        assert seen[status], f"no demo home is {status}"
    flags = {
        f
        for n in seen["GAS_VALID"] + seen["GAS_DUE_30"]
        for c in n["gasChecks"]
        for f in c["breaches"]
    }
    assert flags >= {"copy_late", "unsafe_without_remedy"}
    assert any(not n["gasChecks"] for n in seen["GAS_OVERDUE"])  # never checked
    stages = {r[1] for r in (await client.execute(STAGES)).ok()["measure"]["rows"]}
    assert stages >= {
        "appointment_letter_1",
        "appointment_letter_2",
        "no_access_visit",
        "final_warning",
        "forced_entry_referral",
        "serviced",
        "booked",
    }
