"""`pip install ./ ./plugins/pdms_rent_arrears` in a fresh venv, then `pdms db upgrade`."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
# Core's wheel is built from core's checkout: run from the module's own folder
# elsewhere, this test has no core source to build.
wheels = pytest.importorskip("test_wheels", reason="needs pdms-core's source tree (its tests)")
ROOT, build_wheel, run = wheels.ROOT, wheels.build_wheel, wheels.run
PLUGIN_SOURCE = Path(__file__).resolve().parent.parent


def test_core_and_module_wheels_give_the_module(tmp_path: Path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    core_wheel = build_wheel(ROOT, tmp_path / "src-core", wheels)
    module_wheel = build_wheel(PLUGIN_SOURCE, tmp_path / "src-module", wheels)
    assert module_wheel.name.startswith("pdms_rent_arrears-")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=300)
    pdms = venv / "bin" / "pdms"
    run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", core_wheel, module_wheel],
        timeout=900,
    )

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PDMS_") and key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PDMS_DATA_DIR"] = str(tmp_path / "data")

    def cli(*args: str) -> str:
        return run([pdms, *args], cwd=outside, env=env)

    assert "rent_arrears@" in cli("db", "upgrade")
    cli("lookups", "sync")
    with sqlite3.connect(tmp_path / "data" / "pdms.sqlite3") as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert {"rent_arrears_account", "rent_arrears_account_week"} <= tables
    assert "rent_arrears.profile_rule" in cli("lookups", "show")
    assert "type RentArrearsAccount" in cli("schema", "export", "-o", "-")
    assert "import" in cli("rent_arrears", "--help")
