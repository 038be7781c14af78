"""Every hook is documented with its exact signature, and nothing else is (Datasette-style)."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

import pytest

from pdms_core import hookspecs
from pdms_dummy import plugin as dummy_plugin

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


def _signature(function: ast.FunctionDef) -> str:
    """Parameters, their annotations and defaults, and the return annotation."""
    returns = ast.unparse(function.returns) if function.returns else ""
    return f"({ast.unparse(function.args)}) -> {returns}"


def _documented(docs: str, hook: str) -> ast.FunctionDef:
    section = docs.split(f"## `{hook}`", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    return next(n for n in ast.walk(ast.parse(block)) if isinstance(n, ast.FunctionDef))


def _specified(hook: str) -> ast.FunctionDef:
    source = textwrap.dedent(inspect.getsource(getattr(hookspecs, hook)))
    return next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef))


@pytest.mark.parametrize("hook", sorted(hook_definitions()))
def test_the_whole_documented_signature_and_its_options_match(docs: str, hook: str):
    # the first code block of the hook's section, however it wraps its lines
    assert _signature(_documented(docs, hook)) == _signature(_specified(hook))
    section = docs.split(f"## `{hook}`", 1)[1].split("\n## ", 1)[0]
    options = getattr(hookspecs, hook).pdms_spec
    for option in ("firstresult", "historic"):
        if options.get(option):
            assert f"`{option}`" in section or option in section, (
                f"docs/plugin_hooks.md does not say that {hook} is {option}"
            )


@pytest.mark.parametrize("hook", sorted(hook_definitions()))
def test_the_dummy_plugin_implements_every_hook(hook: str):
    # The dummy plugin is the worked example of every hook: one it stops implementing
    # is one the suite no longer exercises.
    implementation = getattr(dummy_plugin, hook, None)
    assert implementation is not None, f"tests/dummy_plugin does not implement {hook}"
    specified = set(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert set(inspect.signature(implementation).parameters) <= specified
