"""`pdms plugins new NAME`: a new module written from the template, ready to test.

The template (``plugin_template/``) is the smallest module that uses every part of the
kit a department module needs: a manifest with its core range, one model and its
migration, a query and a mutation each with its permission, a lookup list, module
records on places, a CLI group, a README, and a suite that runs from the module's own
folder (``pytest``) as well as in the repository's ``make test``.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from importlib.util import find_spec
from pathlib import Path
from string import Template
from uuid import uuid4

from packaging.version import Version

from pdms_core.errors import ConfigurationError
from pdms_core.host import PLUGIN_NAME, camel_prefix, pascal_prefix
from pdms_core.records import CORE

TEMPLATE = Path(__file__).parent / "plugin_template"
SUFFIX = ".tmpl"


def new_plugin(name: str, into: Path, *, label: str, core_head: str, core_version: str) -> Path:
    """Write module ``name`` as ``into/pdms_<name>``; return that folder."""
    if not PLUGIN_NAME.match(name) or name == CORE:
        raise ConfigurationError(
            f"{name!r} cannot name a module: use lower_snake_case ('gas_electric'); "
            "'core' is reserved"
        )
    package = f"pdms_{name}"
    target = into / package
    if target.exists():
        raise ConfigurationError(f"{target} already exists; choose another name or folder")
    revision = uuid4().hex[:12]
    values = {
        "name": name,
        "label": label,
        "package": package,
        "package_dir": package,
        "dist": package.replace("_", "-"),
        "Pascal": pascal_prefix(name),
        "camel": camel_prefix(name),
        "core_range": core_range(core_version),
        "core_head": core_head,
        "revision": revision,
        "created": datetime.now().isoformat(sep=" ", timespec="seconds"),
    }
    for source in sorted(TEMPLATE.rglob(f"*{SUFFIX}")):
        destination = target / _destination(source.relative_to(TEMPLATE), package, name, revision)
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        destination.write_text(text, encoding="utf-8")
    _format(target)
    return target


def _format(target: Path) -> None:
    """Line breaks depend on the name's length: let ruff, where installed (it comes
    with core's test extras), lay the new module out as `make lint` expects."""
    if find_spec("ruff") is None:
        return
    for command in (["check", "--fix-only", "--quiet", "."], ["format", "--quiet", "."]):
        subprocess.run([sys.executable, "-m", "ruff", *command], cwd=target, check=False)


def core_range(core_version: str) -> str:
    """The releases of core's current minor line: ``>=0.1,<0.2`` for 0.1.x."""
    release = Version(core_version).release
    major, minor = release[0], release[1] if len(release) > 1 else 0
    return f">={major}.{minor},<{major}.{minor + 1}"


def _destination(relative: Path, package: str, name: str, revision: str) -> Path:
    parts = [package if part == "package" else part for part in relative.parts]
    file_name = parts[-1].removesuffix(SUFFIX)
    if file_name == "initial.py":
        file_name = f"{revision}_{name}_initial.py"
    elif file_name == "test_module.py":
        file_name = f"test_{name}.py"
    return Path(*parts[:-1], file_name)
