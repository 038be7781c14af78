"""The ``pdms`` command starts fast because help and the commands load only what they use.

Timings live in ``bench/cli_startup.py``; these tests pin the cause instead: which modules
a command imports. They run the real entry point in a fresh interpreter and list the heavy
packages it loaded, so a new top-level import of strawberry, SQLAlchemy or a module's
GraphQL code in the CLI path fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import click
import pytest
from dummy_entry_point import DUMMY

from pdms_core.cli import CORE_COMMANDS
from pdms_core.errors import PluginError
from pdms_core.host_commands import plugin_commands
from pdms_core.settings import Settings

#: Packages no help screen may import: GraphQL, the ORM and drivers, migrations, the
#: web stack, password hashing, and every module's models and GraphQL code.
HEAVY = (
    "strawberry",
    "graphql",
    "sqlalchemy",
    "alembic",
    "aiosqlite",
    "asyncpg",
    "starlette",
    "uvicorn",
    "argon2",
    "python_calamine",
    "pdms_core.core_plugin",
    "pdms_core.models",
    "pdms_core.graphql",
    "pdms_rent_arrears.models",
    "pdms_rent_arrears.graphql",
    "pdms_rent_arrears.services",
)

#: Runs ``pdms`` once per argument list in one interpreter and reports, after each, the
#: heavy modules loaded so far (a leak shows under the first command that caused it).
RUNNER = """
import json, sys
from pdms_core.cli import main
heavy = tuple(sys.argv[1].split(","))
report = []
for args in json.loads(sys.argv[2]):
    try:
        main(args)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy or m.startswith(
        tuple(h + "." for h in heavy)) or m in heavy)
    report.append({"args": args, "code": code, "heavy": loaded})
print("\\n@@" + json.dumps(report))
"""


def run_pdms(tmp_path: Path, invocations: list[list[str]], **env: str) -> list[dict]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    base["PDMS_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, ",".join(HEAVY), json.dumps(invocations)],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "@@" in result.stdout, result.stderr
    return json.loads(result.stdout.rsplit("@@", 1)[1])


def rent_arrears_installed() -> bool:
    from importlib.metadata import entry_points

    return any(ep.name == "rent_arrears" for ep in entry_points(group="pdms"))


def test_help_and_version_import_nothing_heavy(tmp_path: Path):
    invocations = [["--help"], ["--version"], *([name, "--help"] for name in CORE_COMMANDS)]
    if rent_arrears_installed():
        invocations.append(["rent_arrears", "--help"])
    report = run_pdms(tmp_path, invocations)
    assert [r["code"] for r in report] == [0] * len(invocations)
    assert [r["heavy"] for r in report] == [[]] * len(invocations), report


def test_help_lists_the_installed_plugin_groups_from_their_entry_points(tmp_path: Path):
    if not rent_arrears_installed():
        pytest.skip("the rent arrears module is not installed")
    result = subprocess.run(
        [sys.executable, "-c", "from pdms_core.cli import main; main(['--help'])"],
        env={k: v for k, v in os.environ.items() if not k.startswith("PDMS_")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  rent_arrears\s+Rent arrears: weekly reports", result.stdout, re.M)


def test_a_database_command_does_not_import_graphql(tmp_path: Path):
    # The host loads core and every enabled module (models included) but leaves their
    # GraphQL contributions alone until a schema is built.
    url = f"sqlite:///{tmp_path / 'startup.db'}"
    report = run_pdms(tmp_path, [["db", "upgrade"], ["lookups", "sync"]], PDMS_DATABASE_URL=url)
    assert [r["code"] for r in report] == [0, 0]
    graphql = [m for m in report[-1]["heavy"] if m.split(".")[0] in ("strawberry", "graphql")]
    assert graphql == []
    assert "pdms_core.models" in report[-1]["heavy"]  # the command did load what it needs


def test_schema_export_still_builds_the_schema(tmp_path: Path):
    report = run_pdms(tmp_path, [["schema", "export", "-o", "schema.graphql"]], PDMS_PLUGINS="")
    assert report[0]["code"] == 0
    assert "type Query" in (tmp_path / "schema.graphql").read_text(encoding="utf-8")


# -- the light path for plugin groups -------------------------------------------------


def light(*entry_points: EntryPoint, **settings: object) -> click.Group:
    cli = click.Group("pdms")
    plugin_commands(Settings(**settings), cli, entry_points=list(entry_points))
    return cli


def test_the_light_path_adds_an_enabled_plugins_group():
    cli = light(DUMMY, plugins=("dummy",))
    assert list(cli.commands) == ["dummy"]
    assert list(cli.commands["dummy"].commands) == ["hello"]  # type: ignore[attr-defined]


def test_the_light_path_never_imports_a_disabled_plugin():
    exploding = EntryPoint(name="exploding", value="rogue_plugins.exploding", group="pdms")
    cli = light(DUMMY, exploding, disabled_plugins=("exploding",))
    assert list(cli.commands) == ["dummy"]
    assert "rogue_plugins.exploding" not in sys.modules


@pytest.mark.parametrize(
    ("attribute", "command"), [("stray_command", "serve-better"), ("replaces_core_command", "db")]
)
def test_the_light_path_keeps_the_one_group_rule(attribute: str, command: str):
    cli = click.Group("pdms")
    rogue = EntryPoint(name="rogue", value=f"rogue_plugins.rogue:{attribute}", group="pdms")
    with pytest.raises(PluginError, match=re.escape(f"added CLI command(s) ['{command}']")):
        plugin_commands(Settings(), cli, entry_points=[rogue])
    assert cli.commands == {}


def test_the_light_path_checks_the_manifest_name():
    misnamed = EntryPoint(name="other", value="pdms_dummy.plugin", group="pdms")
    with pytest.raises(PluginError, match="manifest is named 'dummy'"):
        light(misnamed)


# -- options whose values load on first use -------------------------------------------


def test_lazy_choices_still_list_and_refuse(tmp_path: Path):
    # The values come from modules that import SQLAlchemy, loaded when the command's
    # own help or parsing needs them: the same help text and the same refusals.
    from click.testing import CliRunner

    from pdms_core.cli import build_cli
    from pdms_core.cli.context import CliState
    from pdms_core.gazetteer import FORMATS
    from pdms_core.measures.filters import BUCKETS

    cli = build_cli(CliState(Settings(data_dir=tmp_path, plugins=())))
    runner = CliRunner()
    help_text = runner.invoke(cli, ["measures", "export", "--help"]).output
    assert "[" + "|".join(BUCKETS) + "]" in " ".join(help_text.split())
    refused = runner.invoke(cli, ["measures", "export", "x", "--bucket", "fortnight"])
    assert refused.exit_code == 2
    assert "'fortnight' is not one of" in refused.output
    file = tmp_path / "places.csv"
    file.write_text("uprn\n", encoding="utf-8")
    refused = runner.invoke(cli, ["gazetteer", "import", str(file), "--format", "nonsense"])
    assert refused.exit_code == 2
    assert all(name in refused.output for name in FORMATS)
