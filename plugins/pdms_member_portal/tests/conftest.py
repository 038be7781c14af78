"""Fixtures for the module's suite, installed or run from its folder."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import pytest
from member_portal_support import World, build_world

INSTALLED = "member_portal" in {entry.name for entry in entry_points(group="pdms")}

if not INSTALLED:
    # Run from a checkout before `pip install`: the suite enables the module itself.
    @pytest.fixture(scope="session")
    def pdms_extra_entry_points() -> list[EntryPoint]:
        return [EntryPoint(name="member_portal", value="pdms_member_portal.plugin", group="pdms")]


@pytest.fixture
async def world(pdms_db, pdms_host, graphql) -> World:
    return await build_world(pdms_db, pdms_host, graphql)
