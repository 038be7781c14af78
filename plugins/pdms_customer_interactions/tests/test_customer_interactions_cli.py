"""The module installed alone beside core: its command and the demo seed."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

INSTALLED = "customer_interactions" in {entry.name for entry in entry_points(group="pdms")}
MEASURE = """{ measure(name: "customer_interactions.first_contact_resolution") { rows } }"""


def pdms(settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env["PDMS_DATABASE_URL"] = settings.database_url
    env["PDMS_PLUGINS"] = "customer_interactions"  # alone beside core
    return subprocess.run(
        [str(Path(sys.executable).parent / "pdms"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(not INSTALLED, reason="the pdms command finds the module once installed")
async def test_the_demo_seed_adds_a_week_of_contacts(pdms_settings, pdms_db, graphql):
    seeded = pdms(pdms_settings, "demo", "seed", "--size", "small")
    assert seeded.returncode == 0, seeded.stderr
    assert "customer_interactions: 420 contacts over a week" in seeded.stdout
    counted = pdms(pdms_settings, "customer_interactions", "count")
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.strip() == "420"
    from pdms_core.testing.actors import staff

    manager = staff("core.measures.read")
    rows = (await graphql.as_actor(manager).execute(MEASURE)).ok()["measure"]["rows"]
    assert rows[0][0] == "420"
