"""`pdms demo seed` gives the demo council members and enquiries in every state, and the
migration seeds the member, co-ordinator and officer roles."""

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

from pdms_member_portal.models import STATUSES, Enquiry, Member

INSTALLED = "member_portal" in {entry.name for entry in entry_points(group="pdms")}


@pytest.mark.skipif(not INSTALLED, reason="the pdms command finds the module once installed")
async def test_the_small_demo_council_has_members_and_enquiries_in_every_state(
    pdms_settings, pdms_db
):
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    env.update(PDMS_DATABASE_URL=pdms_settings.database_url, PDMS_PLUGINS="member_portal")
    done = await asyncio.to_thread(
        subprocess.run,
        [str(pdms), "demo", "seed", "--size", "small", "--seed", "7"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "member_portal: 10 members, 120 enquiries (" in done.stdout

    async with pdms_db.sessionmaker() as session:
        members = await session.scalar(select(func.count()).select_from(Member))
        states = dict(
            (
                await session.execute(select(Enquiry.status, func.count()).group_by(Enquiry.status))
            ).all()
        )
        demand = core_tables.demand
        demands = await session.scalar(
            select(func.count()).where(demand.c.module == "member_portal")
        )
    assert members == 10
    assert set(states) == set(STATUSES) and sum(states.values()) == 120
    assert demands == 120


@pytest.mark.skipif(not INSTALLED, reason="the pdms command finds the module once installed")
async def test_upgrading_seeds_the_three_roles(tmp_path, pdms_backend):
    if pdms_backend != "sqlite":
        pytest.skip("one fresh database is enough: the seed is plain SQL")
    pdms = Path(sys.executable).parent / "pdms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    env.update(PDMS_DATABASE_URL=url, PDMS_PLUGINS="member_portal")
    done = await asyncio.to_thread(
        subprocess.run, [str(pdms), "db", "upgrade"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr + done.stdout
    import sqlite3

    with sqlite3.connect(tmp_path / "fresh.db") as db:
        rows = db.execute(
            "SELECT r.code, p.permission FROM role r JOIN role_permission p ON p.role_id = r.id"
            " WHERE r.code LIKE 'member_portal_%' ORDER BY r.code, p.permission"
        ).fetchall()
    by_role: dict[str, list[str]] = {}
    for code, permission in rows:
        by_role.setdefault(code, []).append(permission)
    from pdms_member_portal.permissions import ROLES

    assert by_role == {code: sorted(perms) for code, (_, _, perms) in ROLES.items()}
