"""Fixtures for the module's suite, installed or run from its folder."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import pytest
from pdms_core.testing.lookups import sync_declared_lookups

INSTALLED = "gas_electric" in {entry.name for entry in entry_points(group="pdms")}

if not INSTALLED:
    # Run from a checkout before `pip install`: the suite enables the module itself.
    @pytest.fixture(scope="session")
    def pdms_extra_entry_points() -> list[EntryPoint]:
        return [EntryPoint(name="gas_electric", value="pdms_gas_electric.plugin", group="pdms")]


@pytest.fixture
async def lookups(pdms_db, pdms_host) -> None:
    await sync_declared_lookups(pdms_db, pdms_host)
