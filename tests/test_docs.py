"""Every hook is documented with its exact signature, and nothing else is (Datasette-style)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from pdms_core import hookspecs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugin_hooks.md"
HEADING = re.compile(r"^## `(pdms_\w+)`\s*$", re.MULTILINE)


def hook_definitions() -> dict[str, str]:
    """Hook name -> its ``def`` line exactly as written in hookspecs.py."""
    found = {}
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("pdms_"):
            source = inspect.getsource(function)
            found[name] = next(
                line.strip() for line in source.splitlines() if line.startswith("def ")
            )
    return found


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_every_hook_is_prefixed_and_there_are_hooks():
    assert set(hook_definitions()) >= {
        "pdms_plugin_manifest",
        "pdms_graphql",
        "pdms_permissions",
        "pdms_lookup_sets",
        "pdms_register_commands",
        "pdms_startup",
        "pdms_actor_from_request",
        "pdms_add_hookspecs",
    }


@pytest.mark.parametrize("hook", sorted(hook_definitions()))
def test_each_hook_is_documented_with_its_exact_signature(docs: str, hook: str):
    assert f"## `{hook}`" in docs, f"docs/plugin_hooks.md has no section for {hook}"
    section = docs.split(f"## `{hook}`", 1)[1].split("\n## ", 1)[0]
    assert hook_definitions()[hook] in section, (
        f"the documented signature of {hook} differs from hookspecs.py"
    )


def test_no_documented_hook_is_stale(docs: str):
    assert set(HEADING.findall(docs)) == set(hook_definitions())
