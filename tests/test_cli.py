"""The ``pdms`` command line through its public surface.

Core-only behaviour runs the installed console script in a subprocess, exactly as an
operator would; behaviour that needs the dummy plugin runs the same CLI in-process
with click's CliRunner around a host that enables it.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from dummy_entry_point import DUMMY

from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.settings import Settings
from pdms_core.testing.database import POSTGRES_URL_VARIABLE, throwaway_database

PDMS = Path(sys.executable).parent / "pdms"

#: group (as typed after ``pdms``) -> command -> the start of its help line
CORE_COMMANDS: dict[str, dict[str, str]] = {
    "": {
        "db": "Create and migrate the database.",
        "demo": "Fictional demo data",
        "documents": "Documents held against records",
        "trusted-documents": "Trusted documents (persisted queries)",
        "gazetteer": "Import the address gazetteer",
        "lookups": "Configurable lists",
        "measures": "Strategic measures",
        "plugins": "Inspect installed modules, or start a new one.",
        "reminders": "Reminders about follow-up actions",
        "schema": "Export or check the GraphQL schema",
        "serve": "Start the GraphQL API",
        "users": "Staff users and their sign-in.",
        "notifications": "Emails, text messages and letters queued",
        "people": "People: find duplicate records for review.",
    },
    "people": {"find-duplicates": "Score pairs of people and propose likely duplicates"},
    "db": {
        "check": "Fail when the models differ",
        "heads": "Show the latest revision of each branch",
        "revision": "Write a new migration for PLUGIN",
        "upgrade": "Migrate core and every enabled plugin",
    },
    "demo": {"seed": "Create a fictional council"},
    "documents": {
        "orphans": "List objects in the document store",
        "purge": "Remove for good the documents",
    },
    "trusted-documents": {
        "list": "Every registered document",
        "register": "Register the documents in FILES",
        "remove": "Remove the document registered",
    },
    "gazetteer": {"generate": "Write a synthetic gazetteer file", "import": "Import FILE in one"},
    "lookups": {"show": "Show every list", "sync": "Create and update declared lists"},
    "measures": {"export": "Compute the measure NAME", "list": "List the measures"},
    "plugins": {"list": "List installed plugins", "new": "Write a working, tested skeleton"},
    "reminders": {"run": "Queue one reminder per open intention"},
    "schema": {"check": "Fail when PATH differs", "export": "Write the schema as SDL."},
    "users": {"create-admin": "Create (or reset) an administrator"},
    "notifications": {
        "send": "Send due messages: email over SMTP",
        "status": "Ask GOV.UK Notify whether messages",
    },
}

BROKEN_CONFIGURATIONS = {
    "unsupported database": (
        {"PDMS_DATABASE_URL": "mysql://x/y"},
        ["db", "upgrade"],
        "error: PDMS supports SQLite and PostgreSQL, not 'mysql'",
    ),
    "plugin not installed": (
        {"PDMS_PLUGINS": "nonexistent"},
        ["plugins", "list"],
        "error: PDMS_PLUGINS enables ['nonexistent'], which no installed distribution provides",
    ),
    "invalid debug flag": (
        {"PDMS_DEBUG": "perhaps"},
        ["plugins", "list"],
        "error: PDMS_DEBUG must be true or false, not 'perhaps'",
    ),
    "missing config file": (
        {"PDMS_CONFIG": "/nonexistent/pdms-settings.toml"},
        ["schema", "export", "-o", "-"],
        "error: PDMS_CONFIG names a file that does not exist: /nonexistent/pdms-settings.toml",
    ),
}


# -- helpers -----------------------------------------------------------------------


@pytest.fixture
def pdms(tmp_path: Path):
    """Run the installed ``pdms`` script with settings confined to ``tmp_path``."""
    assert PDMS.exists(), f"the pdms console script is not installed next to {sys.executable}"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PDMS_")}
    base_env["PDMS_DATA_DIR"] = str(tmp_path / "data")
    # Core-only: the first-party modules installed beside core stay disabled here.
    base_env["PDMS_PLUGINS"] = ""

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PDMS), *args],
            env={**base_env, **env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    return run


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The stdout of a command that must have succeeded."""
    assert result.returncode == 0, (
        f"{result.args} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result.stdout


def one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a command that must have failed cleanly."""
    assert result.returncode == 1, (
        f"{result.args} exited {result.returncode}, expected 1\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    return lines[0]


def help_entries(help_text: str) -> dict[str, str]:
    """The ``Commands:`` section of click's help as name -> help text."""
    _, _, section = help_text.partition("\nCommands:\n")
    assert section, f"no Commands section in:\n{help_text}"
    entries = {}
    for line in section.splitlines():
        match = re.match(r"^  (\S+)\s+(\S.*)$", line)
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def heads_of(output: str) -> dict[str, str]:
    return dict(line.split("\t") for line in output.splitlines())


@pytest.fixture
def dummy_cli(tmp_path: Path):
    """The CLI around a host with every installed plugin plus the dummy, on SQLite."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'dummy.sqlite3'}", data_dir=tmp_path
    )
    host = PluginHost.load(settings, entry_points=[*installed_entry_points(), DUMMY])
    return build_cli(CliState.for_host(host))


def invoked_ok(cli, *args: str) -> str:
    """The output of an in-process command that must have succeeded."""
    result: Result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (
        f"pdms {' '.join(args)} exited {result.exit_code}:\n{result.output}"
    )
    return result.output


# -- help ----------------------------------------------------------------------------


@pytest.mark.parametrize("group", list(CORE_COMMANDS), ids=lambda g: g or "root")
def test_help_lists_every_command_with_its_help(pdms, group: str):
    args = [group, "--help"] if group else ["--help"]
    output = ok(pdms(*args))
    entries = help_entries(output)
    assert set(entries) == set(CORE_COMMANDS[group])
    for command, summary in CORE_COMMANDS[group].items():
        assert entries[command].startswith(summary), (command, entries[command])


def test_help_lists_a_plugin_group_and_its_commands(dummy_cli):
    root = help_entries(invoked_ok(dummy_cli, "--help"))
    assert root["dummy"] == "Dummy widgets."
    assert set(CORE_COMMANDS[""]) < set(root)
    assert help_entries(invoked_ok(dummy_cli, "dummy", "--help")) == {
        "hello": "Print the greeting."
    }


def test_a_plugin_command_runs(dummy_cli):
    assert invoked_ok(dummy_cli, "dummy", "hello") == "hello from dummy\n"


@pytest.mark.parametrize("name", list(BROKEN_CONFIGURATIONS))
def test_help_works_when_the_configuration_is_broken(pdms, name: str):
    env, _, _ = BROKEN_CONFIGURATIONS[name]
    result = pdms("--help", **env)
    assert set(help_entries(ok(result))) == set(CORE_COMMANDS[""])
    assert result.stderr == ""
    assert set(help_entries(ok(pdms("db", "--help", **env)))) == set(CORE_COMMANDS["db"])


# -- database ------------------------------------------------------------------------


def test_db_upgrade_heads_and_check_on_a_fresh_sqlite_file(pdms, tmp_path: Path):
    database = tmp_path / "council.sqlite3"
    url = f"sqlite:///{database}"
    assert not database.exists()
    upgraded = ok(pdms("db", "upgrade", PDMS_DATABASE_URL=url))
    assert database.exists()
    # every revision this run applied, oldest first, ending at the head it reports
    match = re.fullmatch(
        r"Applied: (?:core@\w+, )+core@(\w+)\nDatabase is up to date: core@\1\n", upgraded
    )
    assert match, upgraded
    heads = heads_of(ok(pdms("db", "heads", PDMS_DATABASE_URL=url)))
    assert heads == {"core": match.group(1)}
    assert "Models and migrations agree." in ok(pdms("db", "check", PDMS_DATABASE_URL=url))
    # the default location under PDMS_DATA_DIR stayed untouched
    assert not (tmp_path / "data").exists()


def test_db_check_before_any_upgrade_says_the_database_is_behind(pdms):
    line = one_line_failure(pdms("db", "check"))
    assert line == "Error: cannot check: Target database is not up to date."


def test_db_upgrade_of_a_database_from_an_unknown_revision_names_it(pdms, tmp_path: Path):
    ok(pdms("db", "upgrade"))
    # as if a newer PDMS had migrated this database before the install was rolled back
    with sqlite3.connect(tmp_path / "data" / "pdms.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'feedfacecafe'")
    line = one_line_failure(pdms("db", "upgrade"))
    assert line.startswith("Error: cannot upgrade: ")
    assert "'feedfacecafe'" in line


async def test_db_upgrade_and_check_on_postgresql(pdms, tmp_path: Path):
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    if not server:
        pytest.skip(
            f"PostgreSQL CLI test needs {POSTGRES_URL_VARIABLE} "
            "(e.g. postgresql://postgres@127.0.0.1:5432/postgres)"
        )
    async with throwaway_database("postgresql", server, tmp_path) as url:

        def cli(*args: str) -> str:
            return ok(pdms(*args, PDMS_DATABASE_URL=url))

        upgraded = await asyncio.to_thread(cli, "db", "upgrade")
        assert upgraded.startswith("Applied: core@")
        heads = heads_of(await asyncio.to_thread(cli, "db", "heads"))
        up_to_date = f"Database is up to date: core@{heads['core']}\n"
        assert upgraded.endswith(f"core@{heads['core']}\n{up_to_date}")
        assert "Models and migrations agree." in await asyncio.to_thread(cli, "db", "check")
        # a second upgrade is a no-op, not an error
        assert await asyncio.to_thread(cli, "db", "upgrade") == f"Nothing to apply.\n{up_to_date}"
    assert not (tmp_path / "data").exists()


# -- lookups -------------------------------------------------------------------------


def test_lookups_sync_is_idempotent_and_show_lists_the_values(dummy_cli):
    upgraded = invoked_ok(dummy_cli, "db", "upgrade")
    assert "core@" in upgraded and "dummy@" in upgraded
    installed = {entry_point.name for entry_point in installed_entry_points()}
    assert set(heads_of(invoked_ok(dummy_cli, "db", "heads"))) == {"core", "dummy", *installed}

    declared = [
        spec
        for _, spec in PluginHost.load(
            Settings(data_dir=Path("unused")), entry_points=[*installed_entry_points(), DUMMY]
        ).lookup_sets
    ]
    lists, values = len(declared), sum(len(spec.seeds) for spec in declared)
    first = invoked_ok(dummy_cli, "lookups", "sync", "--verbose")
    assert first.startswith(
        f"Lookups synced: {lists} lists created, 0 lists updated, {values} values created"
    )
    assert "sets created: dummy.colour" in first
    second = invoked_ok(dummy_cli, "lookups", "sync")
    assert second == (
        "Lookups synced: 0 lists created, 0 lists updated, 0 values created, "
        "0 updated, 0 deactivated, 0 deleted.\n"
    )

    assert invoked_ok(dummy_cli, "lookups", "show", "dummy.colour") == "red\tRed\ngreen\tGreen\n"
    every_list = invoked_ok(dummy_cli, "lookups", "show").splitlines()
    assert "dummy.colour\tdummy\tWidget colours" in every_list
    assert "dummy.shade\tdummy\tWidget shades" in every_list


def test_lookups_show_of_an_unknown_list_fails(dummy_cli):
    invoked_ok(dummy_cli, "db", "upgrade")
    result = CliRunner().invoke(dummy_cli, ["lookups", "show", "dummy.flavour"])
    assert result.exit_code == 1
    assert "there is no lookup list 'dummy.flavour'" in result.output


# -- schema --------------------------------------------------------------------------


def test_schema_export_then_check_and_a_changed_file_fails(pdms, tmp_path: Path):
    sdl = tmp_path / "schema.graphql"
    assert ok(pdms("schema", "export", "-o", str(sdl))) == f"Wrote {sdl}\n"
    text = sdl.read_text(encoding="utf-8")
    assert "type Place implements Node" in text
    assert ok(pdms("schema", "export", "-o", "-")) == text
    assert ok(pdms("schema", "check", str(sdl))) == f"{sdl} is up to date.\n"

    with sdl.open("a", encoding="utf-8") as handle:
        handle.write("# an edit by hand\n")
    line = one_line_failure(pdms("schema", "check", str(sdl)))
    assert line == f"Error: {sdl} is out of date; run 'pdms schema export'"


def test_schema_check_of_a_missing_file_fails(pdms, tmp_path: Path):
    line = one_line_failure(pdms("schema", "check", "nowhere.graphql"))
    assert line == "Error: nowhere.graphql does not exist; run 'pdms schema export'"


def test_schema_export_includes_the_plugin(dummy_cli):
    sdl = invoked_ok(dummy_cli, "schema", "export", "-o", "-")
    assert "type DummyWidget implements ModuleRecord & Node" in sdl
    assert "dummyCreateWidget(" in sdl


# -- plugins -------------------------------------------------------------------------


def test_plugins_list_shows_core(pdms):
    lines = ok(pdms("plugins", "list")).splitlines()
    assert lines[0].split("\t")[:2] == ["core", "enabled"]
    assert lines[0].split("\t")[2].startswith("pdms-core ")
    assert not any(line.startswith("dummy\t") for line in lines)


def test_plugins_list_shows_the_enabled_plugin(dummy_cli):
    lines = invoked_ok(dummy_cli, "plugins", "list").splitlines()
    assert lines[0].startswith("core\tenabled\t")
    dummy = next(line for line in lines if line.startswith("dummy\t"))
    assert dummy.split("\t")[1] == "enabled"
    assert dummy.endswith("\tDummy widgets")


# -- errors --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BROKEN_CONFIGURATIONS))
def test_a_broken_configuration_is_one_clear_line(pdms, name: str):
    env, args, message = BROKEN_CONFIGURATIONS[name]
    result = pdms(*args, **env)
    assert one_line_failure(result).startswith(message)
    assert result.stdout == ""
