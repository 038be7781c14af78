"""The non-editable install story: core's wheel alone, then with a plugin's wheel.

Builds the wheels of core and of the dummy plugin, installs them into a fresh virtual
environment and drives the installed ``pdms`` script from a folder outside the source
tree, so nothing can be imported from the checkout by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DUMMY_SOURCE = ROOT / "tests" / "dummy_plugin"
#: Build from copies: setuptools writes build/ and *.egg-info into the source folder,
#: and stale files left in build/ would otherwise end up in later wheels.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "var", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
)

pytestmark = pytest.mark.slow


def run(command: list[str | Path], *, timeout: float = 180, **kwargs) -> str:
    """Run ``command``; on failure show its output. Returns stdout."""
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result.stdout


def build_wheel(source: Path, scratch: Path, wheels: Path) -> Path:
    copy = scratch / source.name
    shutil.copytree(source, copy, ignore=NOT_SOURCE)
    before = set(wheels.glob("*.whl"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, copy], timeout=600)
    (built,) = set(wheels.glob("*.whl")) - before
    return built


def test_core_wheel_alone_then_with_the_dummy_plugin_wheel(tmp_path: Path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    core_wheel = build_wheel(ROOT, tmp_path / "src-core", wheels)
    dummy_wheel = build_wheel(DUMMY_SOURCE, tmp_path / "src-dummy", wheels)
    assert core_wheel.name.startswith("pdms_core-")
    # debug mode's GraphiQL page, its vendored assets and their licences
    graphiql = ROOT / "pdms_core" / "graphiql"
    vendored = {
        path.relative_to(ROOT).as_posix()
        for path in graphiql.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert "pdms_core/graphiql/assets/graphiql.LICENSE" in vendored
    assert vendored <= set(zipfile.ZipFile(core_wheel).namelist())
    assert dummy_wheel.name.startswith("pdms_dummy-")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=300)
    python, pdms = venv / "bin" / "python", venv / "bin" / "pdms"
    run([python, "-m", "pip", "install", "-q", core_wheel], timeout=900)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    # Nothing from the test run may leak in: no PYTHONPATH, no PDMS_* settings.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PDMS_") and key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PDMS_DATA_DIR"] = str(tmp_path / "data")

    def cli(*args: str, **extra_env: str) -> str:
        return run([pdms, *args], cwd=outside, env={**env, **extra_env})

    located = run(
        [python, "-c", "import pdms_core; print(pdms_core.__file__)"], cwd=outside, env=env
    )
    assert Path(located.strip()).is_relative_to(venv), located
    assert not (tmp_path / "data").exists()

    # -- core alone ------------------------------------------------------------------
    assert "\nDatabase is up to date: core@" in cli("db", "upgrade")
    assert (tmp_path / "data" / "pdms.sqlite3").exists()
    sdl = cli("schema", "export", "-o", "-")
    assert "type Place implements Node" in sdl
    assert "interface ModuleRecord" in sdl
    assert "Dummy" not in sdl and "dummy" not in sdl
    assert [line.split("\t")[0] for line in cli("db", "heads").splitlines()] == ["core"]
    assert [line.split("\t")[0] for line in cli("plugins", "list").splitlines()] == ["core"]

    # -- with the dummy plugin's wheel -----------------------------------------------
    run([python, "-m", "pip", "install", "-q", "--no-deps", dummy_wheel], timeout=300)
    plugins = cli("plugins", "list").splitlines()
    assert plugins[0].startswith("core\tenabled\tpdms-core ")
    assert plugins[1:] == ["dummy\tenabled\tpdms-dummy 0.1.0\tDummy widgets"]

    sdl = cli("schema", "export", "-o", "-")
    assert "type DummyWidget implements ModuleRecord & Node {" in sdl
    assert "dummyCreateWidget(" in sdl

    upgraded = cli("db", "upgrade")
    assert upgraded.startswith("Applied: dummy@") and "up to date: core@" in upgraded
    heads = [line.split("\t")[0] for line in cli("db", "heads").splitlines()]
    assert heads == ["core", "dummy"]
    assert cli("dummy", "hello") == "hello from dummy\n"

    # -- disabled again by settings -----------------------------------------------------
    sdl = cli("schema", "export", "-o", "-", PDMS_DISABLED_PLUGINS="dummy")
    assert "type Place implements Node" in sdl
    assert "Dummy" not in sdl and "dummy" not in sdl
    plugins = cli("plugins", "list", PDMS_DISABLED_PLUGINS="dummy").splitlines()
    assert plugins[1:] == ["dummy\tdisabled\tpdms-dummy 0.1.0\t(not loaded)"]
