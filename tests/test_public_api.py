"""Plugins import only the public API, so core can change its insides freely."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pdms_core.plugin

ROOT = Path(__file__).resolve().parent.parent
#: Public modules: the plugin API itself and the test support shipped for plugin suites.
ALLOWED = ("pdms_core.plugin", "pdms_core.testing")
PLUGIN_SOURCES = [
    path
    for folder in [ROOT / "tests" / "dummy_plugin", *sorted((ROOT / "plugins").glob("*"))]
    for path in sorted(folder.rglob("*.py"))
    if "migrations" not in path.parts and "tests" not in path.relative_to(folder).parts
]


def core_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name.split(".")[0] == "pdms_core"]


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_import_only_the_public_api(path: Path):
    private = [name for name in core_imports(path) if not name.startswith(ALLOWED)]
    assert private == [], f"{path.name} imports private core modules {private}"


def test_the_public_api_exports_what_it_lists():
    missing = [name for name in pdms_core.plugin.__all__ if not hasattr(pdms_core.plugin, name)]
    assert missing == []


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_reach_core_tables_only_through_the_kit(path: Path):
    # `Base.metadata.tables["person"]` would tie a module to core's table names;
    # `pdms_core.plugin.core_tables` is the handle core keeps stable.
    assert "metadata.tables" not in path.read_text(encoding="utf-8"), path.name
