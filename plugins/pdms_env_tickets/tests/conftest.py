"""Fixtures for the module's suite, installed or run from its folder."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import pytest
from env_tickets_support import World, build_world

INSTALLED = "env_tickets" in {entry.name for entry in entry_points(group="pdms")}

if not INSTALLED:
    # Run from a checkout before `pip install`: the suite enables the module itself.
    @pytest.fixture(scope="session")
    def pdms_extra_entry_points() -> list[EntryPoint]:
        return [EntryPoint(name="env_tickets", value="pdms_env_tickets.plugin", group="pdms")]


@pytest.fixture
async def world(pdms_db, pdms_host) -> World:
    return await build_world(pdms_db, pdms_host)
