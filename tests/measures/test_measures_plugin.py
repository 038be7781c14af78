"""Plugin measures (through ``pdms_measures``) and CSV export from the CLI."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from dummy_entry_point import DUMMY

from measures.dataset import lookup_ids
from pdms_core.app import create_app
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.errors import PluginError
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.records import MeasureSpec
from pdms_core.settings import Settings
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient
from pdms_dummy.models import Widget

MEASURE = """query($name: String!) { measure(name: $name) { title columns { name } csv } }"""
MEASURES = "{ measures { name module } }"
READER = staff("core.measures.read")
WIDGETS_CSV = "colour_code,colour,widgets\r\ngreen,Green,1\r\nred,Red,2\r\n,,1\r\n"


@pytest.fixture
async def widgets(pdms_db, council):
    async with unit_of_work(pdms_db.sessionmaker) as session:
        colours = await lookup_ids(session, "dummy.colour")
        for name, colour in [("A", "red"), ("B", "red"), ("C", "green"), ("D", None)]:
            session.add(Widget(name=name, colour_id=colours[colour] if colour else None))


async def test_a_plugin_measure_is_listed_computed_and_exported(graphql, widgets):
    reader = graphql.as_actor(READER)
    listed = (await reader.execute(MEASURES)).ok()["measures"]
    assert {"name": "dummy.widgets_by_colour", "module": "dummy"} in listed
    modules = [m["module"] for m in listed]  # core's first, then plugins by name
    assert modules == sorted(modules, key=lambda module: (module != "core", module))
    assert modules[0] == "core"
    data = (await reader.execute(MEASURE, {"name": "dummy.widgets_by_colour"})).ok()["measure"]
    assert data["title"] == "Widgets by colour"
    assert [c["name"] for c in data["columns"]] == ["colour_code", "colour", "widgets"]
    assert data["csv"] == WIDGETS_CSV


async def test_a_plugin_measure_can_be_snapshotted(graphql, widgets):
    analyst = graphql.as_actor(staff("core.measures.read", "core.measures.snapshot"))
    saved = await analyst.execute(
        """mutation { saveMeasureSnapshot(input: {measure: "dummy.widgets_by_colour"}) {
             snapshot { measure result { csv } } errors { code } } }"""
    )
    assert saved.ok()["saveMeasureSnapshot"] == {
        "snapshot": {"measure": "dummy.widgets_by_colour", "result": {"csv": WIDGETS_CSV}},
        "errors": [],
    }


async def test_a_disabled_plugins_measures_are_gone(pdms_db, pdms_settings, pdms_test_actors):
    settings = replace(pdms_settings, plugins=())
    host = PluginHost.load(
        settings,
        entry_points=[*installed_entry_points(), DUMMY],
        extra_hooks=[pdms_test_actors],
    )
    assert host.measure("dummy.widgets_by_colour") is None
    client = GraphQLClient(create_app(host=host, database=pdms_db), pdms_test_actors)
    reader = client.as_actor(READER)
    listed = (await reader.execute(MEASURES)).ok()["measures"]
    assert listed and all(m["module"] == "core" for m in listed)
    missing = await reader.execute(MEASURE, {"name": "dummy.widgets_by_colour"})
    assert missing.error_codes() == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("widgets", "'rogue' declares measure 'widgets'; it must start with 'rogue.'"),
        ("rogue.Widgets-Now", "after the prefix, names are lower_snake_case"),
        ("root_causes", "measure 'root_causes' is declared by both 'core' and 'rogue'"),
    ],
)
def test_the_host_refuses_badly_named_measures(name, message):
    async def compute(session, measure_filter):
        raise AssertionError("never computed")

    class Rogue:
        from pdms_core.plugin import PluginManifest, hookimpl

        @hookimpl
        def pdms_plugin_manifest(self):
            return self.PluginManifest(name="rogue", label="Rogue")

        @hookimpl
        def pdms_measures(self):
            return [MeasureSpec(name=name, title="T", description="D", compute=compute)]

    from importlib.metadata import EntryPoint

    import rogue_plugins

    rogue_plugins.measure_breaker = Rogue()
    try:
        with pytest.raises(PluginError, match=re.escape(message)):
            PluginHost.load(
                Settings(),
                entry_points=[EntryPoint("rogue", "rogue_plugins:measure_breaker", "pdms")],
            )
    finally:
        del rogue_plugins.measure_breaker


# -- CLI ---------------------------------------------------------------------------------


def invoke(host: PluginHost, *args: str) -> str:
    result = CliRunner().invoke(build_cli(CliState.for_host(host)), list(args))
    assert result.exit_code == 0, result.output
    # .output folds CRLF into LF; the bytes show what an operator's file receives.
    return result.stdout_bytes.decode("utf-8")


def test_pdms_measures_list_and_export_to_a_file(pdms_host, widgets, tmp_path: Path):
    listed = invoke(pdms_host, "measures", "list")
    assert "root_causes\tcore\tRoot causes\n" in listed
    assert "dummy.widgets_by_colour\tdummy\tWidgets by colour\n" in listed

    target = tmp_path / "widgets.csv"
    invoke(pdms_host, "measures", "export", "dummy.widgets_by_colour", "-o", str(target))
    assert target.read_bytes() == WIDGETS_CSV.encode()


def test_pdms_measures_export_applies_the_filters(pdms_host, widgets, tmp_path: Path):
    target = tmp_path / "volumes.csv"
    invoke(
        pdms_host,
        "measures",
        "export",
        "demand_volumes_by_type",
        "--team",
        "south",
        "--postcode-area",
        "B",
        "--from",
        "2024-01-01",
        "--bucket",
        "year",
        "-o",
        str(target),
    )
    assert target.read_bytes().decode("utf-8") == (
        "period_start,period_end,type_code,type_label,demands\r\n"
        "2024-01-01,2024-12-31,rent,Rent,1\r\n"
        "2024-01-01,2024-12-31,repairs,Repairs,1\r\n"
    )
    stdout = invoke(pdms_host, "measures", "export", "failure_demand", "--module", "dummy")
    assert stdout == "demands,failure_demands,failure_share\r\n1,0,0.0\r\n"


def test_pdms_measures_export_refuses_unknown_names_and_teams(pdms_host, widgets):
    cli = build_cli(CliState.for_host(pdms_host))
    unknown = CliRunner().invoke(cli, ["measures", "export", "happiness"])
    assert unknown.exit_code != 0
    assert "There is no measure called 'happiness'" in str(unknown.exception)
    no_team = CliRunner().invoke(cli, ["measures", "export", "root_causes", "--team", "west"])
    assert "There is no team with the code 'west'" in str(no_team.exception)
    bad_date = CliRunner().invoke(cli, ["measures", "export", "root_causes", "--from", "May"])
    assert "use YYYY-MM-DD" in bad_date.output
