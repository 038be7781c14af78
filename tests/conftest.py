"""Core's suite enables the dummy plugin (tests/dummy_plugin) on top of what is installed."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

DUMMY = EntryPoint(name="dummy", value="pdms_dummy.plugin", group="pdms")


@pytest.fixture(scope="session")
def pdms_extra_entry_points() -> list[EntryPoint]:
    return [DUMMY]
