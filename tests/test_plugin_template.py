"""`pdms plugins new`: the module template writes a module whose own suite passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_wheels import build_wheel, run

ROOT = Path(__file__).resolve().parent.parent
PDMS = Path(sys.executable).parent / "pdms"


def clean_env(**extra: str) -> dict[str, str]:
    # Only the PostgreSQL URL of the suite carries over, so the module's suite runs
    # on both backends as the core suite does.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PDMS_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    if "PDMS_TEST_POSTGRES_URL" in os.environ:
        env["PDMS_TEST_POSTGRES_URL"] = os.environ["PDMS_TEST_POSTGRES_URL"]
    return {**env, **extra}


def new_module(into: Path, name: str = "street_lights", pdms: Path = PDMS) -> Path:
    out = run([pdms, "plugins", "new", name, "--into", into], env=clean_env())
    assert out.startswith(f"wrote {into / f'pdms_{name}'}"), out
    return into / f"pdms_{name}"


def passed(pytest_output: str) -> int:
    found = re.search(r"(\d+) passed", pytest_output)
    assert found, pytest_output
    assert " failed" not in pytest_output and " error" not in pytest_output, pytest_output
    return int(found.group(1))


def test_a_new_module_lints_clean_and_passes_its_own_suite(tmp_path: Path):
    module = new_module(tmp_path)
    files = sorted(str(p.relative_to(module)) for p in module.rglob("*") if p.is_file())
    assert "pyproject.toml" in files and "README.md" in files
    assert "pdms_street_lights/plugin.py" in files
    assert any(
        re.fullmatch(r"pdms_street_lights/migrations/versions/\w+_initial\.py", f) for f in files
    )
    manifest = (module / "pdms_street_lights" / "plugin.py").read_text()
    assert 'requires_core=">=' in manifest

    # Its own ruff settings (pyproject.toml), as `make lint` applies them in plugins/.
    run([sys.executable, "-m", "ruff", "check", "."], cwd=module)
    run([sys.executable, "-m", "ruff", "format", "--check", "."], cwd=module)
    # Run from its own folder, not installed: its conftest enables it for the suite.
    suite = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=module,
        env=clean_env(),
        timeout=600,
    )
    assert passed(suite) >= 5


@pytest.mark.parametrize("name", ["Street-Lights", "core", "9lives"])
def test_a_name_that_cannot_be_a_module_is_refused(tmp_path: Path, name: str):
    done = subprocess.run(
        [PDMS, "plugins", "new", name, "--into", tmp_path],
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "cannot name a module" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path):
    (tmp_path / "pdms_street_lights").mkdir()
    (tmp_path / "pdms_street_lights" / "keep.txt").write_text("mine")
    done = subprocess.run(
        [PDMS, "plugins", "new", "street_lights", "--into", tmp_path],
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "already exists" in done.stderr
    assert [p.name for p in (tmp_path / "pdms_street_lights").iterdir()] == ["keep.txt"]


@pytest.mark.slow
def test_a_new_module_passes_its_suite_installed_in_a_fresh_venv(tmp_path: Path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    core_wheel = build_wheel(ROOT, tmp_path / "src-core", wheels)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=300)
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", f"{core_wheel}[test]"], timeout=900)
    module = new_module(tmp_path / "work", pdms=venv / "bin" / "pdms")
    run([python, "-m", "pip", "install", "-q", "--no-deps", module], timeout=300)
    # Installed, the module's command-line test runs too.
    suite = run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=module,
        env=clean_env(),
        timeout=600,
    )
    assert "skipped" not in suite, suite
    assert passed(suite) >= 6
