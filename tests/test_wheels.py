"""The non-editable install story, through the container image's own install steps.

``deploy/install-wheels.sh`` (what deploy/Containerfile runs) builds the wheels of core,
of every module under plugins/ and, here, of the dummy plugin, and installs them into a
fresh virtual environment. The installed ``pdms`` script is then driven from a folder
outside the source tree, so nothing can be imported from the checkout by accident:
with every module, with one disabled by settings, and with core alone once the
modules' distributions are uninstalled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL_WHEELS = ROOT / "deploy" / "install-wheels.sh"
DUMMY_SOURCE = ROOT / "tests" / "dummy_plugin"
#: Build from copies: setuptools writes build/ and *.egg-info into the source folder,
#: and stale files left in build/ would otherwise end up in later wheels.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "var", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
)


def first_party_modules() -> dict[str, str]:
    """Every module under plugins/: its plugin name (the entry point's) -> distribution."""
    modules = {}
    for pyproject in sorted((ROOT / "plugins").glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        (name,) = project["entry-points"]["pdms"]
        modules[name] = project["name"]
    return modules


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
    """One wheel of ``source``, built from a clean copy (other packaging tests use it)."""
    copy = scratch / source.name
    shutil.copytree(source, copy, ignore=NOT_SOURCE)
    before = set(wheels.glob("*.whl"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, copy], timeout=600)
    (built,) = set(wheels.glob("*.whl")) - before
    return built


def plugin_rows(output: str) -> dict[str, list[str]]:
    """``pdms plugins list`` as name -> [status, distribution and version, label]."""
    return {name: rest for name, *rest in (line.split("\t") for line in output.splitlines())}


def test_the_image_install_steps_then_core_alone(tmp_path: Path):
    # Nothing from the test run may leak in: no PYTHONPATH, no PDMS_* settings.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PDMS_") and key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    run(
        [
            "bash",
            INSTALL_WHEELS,
            "--wheels",
            wheels,
            "--python",
            sys.executable,
            venv,
            DUMMY_SOURCE,
        ],
        timeout=900,
        env=env,
    )
    modules = first_party_modules()
    assert "rent_arrears" in modules
    built = sorted(path.name.split("-")[0] for path in wheels.glob("*.whl"))
    distributions = [*modules.values(), "pdms-core", "pdms-dummy"]
    assert built == sorted(name.replace("-", "_") for name in distributions)
    (core_wheel,) = wheels.glob("pdms_core-*.whl")
    # debug mode's GraphiQL page, its vendored assets and their licences
    graphiql = ROOT / "pdms_core" / "graphiql"
    vendored = {
        path.relative_to(ROOT).as_posix()
        for path in graphiql.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert "pdms_core/graphiql/assets/graphiql.LICENSE" in vendored
    names = set(zipfile.ZipFile(core_wheel).namelist())
    assert vendored <= names
    assert not any(name.startswith(("tests/", "plugins/", "bench/")) for name in names)
    # the dependencies' versions, to pin a rebuild (--constraint); PDMS's own are not pinned
    pins = (venv / "pdms-installed.txt").read_text().lower().splitlines()
    assert any(pin.startswith("strawberry-graphql==") for pin in pins)
    assert not any(pin.startswith(("pdms", "pip==", "setuptools==")) for pin in pins)

    python, pdms = venv / "bin" / "python", venv / "bin" / "pdms"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env["PDMS_DATA_DIR"] = str(tmp_path / "data")

    def cli(*args: str, **extra_env: str) -> str:
        return run([pdms, *args], cwd=outside, env={**env, **extra_env})

    located = run(
        [python, "-c", "import pdms_core; print(pdms_core.__file__)"], cwd=outside, env=env
    )
    assert Path(located.strip()).is_relative_to(venv), located
    assert not (tmp_path / "data").exists()

    # -- every module, as the image has them ------------------------------------------
    plugins = plugin_rows(cli("plugins", "list"))
    assert next(iter(plugins)) == "core"
    assert plugins["core"][:2] == ["enabled", "pdms-core 0.1.0"]
    assert plugins["rent_arrears"] == ["enabled", "pdms-rent-arrears 0.1.0", "Rent arrears"]
    assert plugins["dummy"] == ["enabled", "pdms-dummy 0.1.0", "Dummy widgets"]
    assert set(plugins) == {"core", "dummy", *modules}
    assert all(plugins[name][0] == "enabled" for name in modules)

    sdl = cli("schema", "export", "-o", "-")
    assert "type Place implements Node" in sdl
    assert "type DummyWidget implements ModuleRecord & Node {" in sdl
    assert "dummyCreateWidget(" in sdl
    assert "type RentArrearsAccount implements" in sdl

    upgraded = cli("db", "upgrade")
    assert upgraded.startswith("Applied: ")
    for label in ("core", "dummy", *modules):
        assert f"{label}@" in upgraded
    assert (tmp_path / "data" / "pdms.sqlite3").exists()
    heads = sorted(line.split("\t")[0] for line in cli("db", "heads").splitlines())
    assert heads == sorted(["core", "dummy", *modules])
    assert cli("db", "upgrade").startswith("Nothing to apply.\n")
    assert cli("dummy", "hello") == "hello from dummy\n"

    # -- one disabled by settings -------------------------------------------------------
    sdl = cli("schema", "export", "-o", "-", PDMS_DISABLED_PLUGINS="dummy")
    assert "type Place implements Node" in sdl and "RentArrears" in sdl
    assert "Dummy" not in sdl and "dummy" not in sdl
    plugins = plugin_rows(cli("plugins", "list", PDMS_DISABLED_PLUGINS="dummy"))
    assert plugins["dummy"] == ["disabled", "pdms-dummy 0.1.0", "(not loaded)"]

    # -- core alone: the modules' distributions uninstalled -------------------------------
    run([python, "-m", "pip", "uninstall", "-q", "-y", "pdms-dummy", *modules.values()])
    env["PDMS_DATA_DIR"] = str(tmp_path / "data-core")
    assert "\nDatabase is up to date: core@" in cli("db", "upgrade")
    assert (tmp_path / "data-core" / "pdms.sqlite3").exists()
    sdl = cli("schema", "export", "-o", "-")
    assert "type Place implements Node" in sdl
    assert "interface ModuleRecord" in sdl
    assert "Dummy" not in sdl and "dummy" not in sdl and "RentArrears" not in sdl
    assert [line.split("\t")[0] for line in cli("db", "heads").splitlines()] == ["core"]
    assert [line.split("\t")[0] for line in cli("plugins", "list").splitlines()] == ["core"]
