"""The dummy plugin's entry point, for tests that enable it by hand.

Kept out of conftest.py: each module's test folder has a conftest.py of its own, and a
plain ``from conftest import ...`` gets whichever of them pytest loaded last.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint

DUMMY = EntryPoint(name="dummy", value="pdms_dummy.plugin", group="pdms")
