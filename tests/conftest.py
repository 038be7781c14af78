"""Core's suite enables the dummy plugin (tests/dummy_plugin) on top of what is installed."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest
from dummy_entry_point import DUMMY


@pytest.fixture(scope="session")
def pdms_extra_entry_points() -> list[EntryPoint]:
    return [DUMMY]
