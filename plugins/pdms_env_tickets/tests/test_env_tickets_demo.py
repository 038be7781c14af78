"""`pdms demo seed` fills the module: tickets with cases, demands, chasers and closures."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from pdms_core.plugin import core_tables
from sqlalchemy import func, select

from pdms_env_tickets.models import InterestedParty, Ticket

INSTALLED = "env_tickets" in {entry.name for entry in entry_points(group="pdms")}


@pytest.mark.skipif(not INSTALLED, reason="the pdms command finds the module once installed")
async def test_the_small_demo_council_has_street_reports(pdms_settings, pdms_db):
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=pdms_settings.database_url, PDMS_PLUGINS="env_tickets")
    done = await asyncio.to_thread(
        subprocess.run,
        [str(pdms), "demo", "seed", "--size", "small", "--seed", "7"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "env_tickets: 150 tickets," in done.stdout

    async with pdms_db.sessionmaker() as session:
        tickets = await session.scalar(select(func.count()).select_from(Ticket))
        closed = await session.scalar(select(func.count()).where(Ticket.is_open.is_(False)))
        chasers = await session.scalar(select(func.count()).select_from(InterestedParty))
        demand = core_tables.demand
        failure = await session.scalar(
            select(func.count()).where(
                demand.c.module == "env_tickets", demand.c.nature == "failure"
            )
        )
        cases = await session.scalar(
            select(func.count(func.distinct(Ticket.case_id))).select_from(Ticket)
        )
        located = await session.scalar(select(func.count()).where(Ticket.latitude.is_not(None)))
    assert tickets == 150 and cases == 150 and located == 150
    assert 0 < closed < tickets
    assert chasers == failure and chasers > 0
    assert f"{closed} closed, {chasers} chasers" in done.stdout
