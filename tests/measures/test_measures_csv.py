"""CSV exports neutralise text a spreadsheet would run as a formula (OWASP CSV injection),
and leave real numbers alone: through the CLI and the GraphQL ``csv`` field."""

from __future__ import annotations

from datetime import date
from importlib.metadata import EntryPoint

import pytest
from click.testing import CliRunner

from pdms_core.app import create_app
from pdms_core.cli import build_cli
from pdms_core.cli.context import CliState
from pdms_core.host import PluginHost, installed_entry_points
from pdms_core.plugin import MeasureSpec, PluginManifest, hookimpl
from pdms_core.testing.actors import staff
from pdms_core.testing.client import GraphQLClient

ADMIN = staff("core.lookups.read", "core.lookups.manage")
TYPES = '{ lookupSet(code: "demand_type") { values { id code version } } }'
RENAME = """mutation($input: RenameLookupValueInput!) {
  renameLookupValue(input: $input) { errors { code field } } }"""
#: Labels an administrator typed, as a spreadsheet would run them.
LABELS = {
    "rent": '=HYPERLINK("http://example.test/pay","Rent")',
    "repairs": "+Repairs",
    "benefits": "@Benefits",
}


def export(host: PluginHost, *args: str) -> str:
    result = CliRunner().invoke(build_cli(CliState.for_host(host)), ["measures", "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


@pytest.fixture
async def formula_labels(graphql, council):
    """Demand types renamed by an administrator, through the API, to formula-like labels."""
    admin = graphql.as_actor(ADMIN)
    for value in (await admin.execute(TYPES)).ok()["lookupSet"]["values"]:
        if value["code"] in LABELS:
            change = {"id": value["id"], "label": LABELS[value["code"]]}
            renamed = await admin.execute(
                RENAME, {"input": {**change, "expectedVersion": value["version"]}}
            )
            assert renamed.ok()["renameLookupValue"]["errors"] == []


def test_the_cli_export_quotes_formula_labels(pdms_host, formula_labels):
    assert export(pdms_host, "demand_volumes_by_type", "--bucket", "year") == (
        "period_start,period_end,type_code,type_label,demands\r\n"
        '2024-01-01,2024-12-31,rent,"\'=HYPERLINK(""http://example.test/pay"",""Rent"")",4\r\n'
        "2024-01-01,2024-12-31,repairs,'+Repairs,1\r\n"
        "2025-01-01,2025-12-31,benefits,'@Benefits,1\r\n"
    )


async def cells(session, measure_filter):
    from pdms_core.plugin import MeasureColumn, MeasureTable

    columns = [("label", "text"), ("amount", "number"), ("count", "integer"), ("day", "date")]
    return MeasureTable(
        columns=tuple(MeasureColumn(name, name.title(), kind) for name, kind in columns),
        rows=(
            ("-12.5", -12.5, -3, date(2025, 1, 6)),
            ("=1+2", 0.5, 7, None),
            ("\tTabbed", None, 0, None),
            ("\rReturned", -0.25, -1, None),
            ("Plain - text", 1.0, 2, None),
        ),
    )


class CellsPlugin:
    """A plugin whose one measure holds text that looks like formulas and negative numbers."""

    @hookimpl
    def pdms_plugin_manifest(self):
        return PluginManifest(name="csvcheck", label="CSV check")

    @hookimpl
    def pdms_measures(self):
        return [MeasureSpec(name="csvcheck.cells", title="Cells", description="D", compute=cells)]


#: Text cells starting = + - @ tab or CR get a quote; numbers, however negative, do not.
CELLS_CSV = (
    "label,amount,count,day\r\n"
    "'-12.5,-12.5,-3,2025-01-06\r\n"
    "'=1+2,0.5,7,\r\n"
    "'\tTabbed,,0,\r\n"
    '"\'\rReturned",-0.25,-1,\r\n'
    "Plain - text,1.0,2,\r\n"
)


@pytest.fixture
def cells_host(pdms_settings, pdms_test_actors):
    import rogue_plugins

    rogue_plugins.csv_cells = CellsPlugin()
    yield PluginHost.load(
        pdms_settings,
        entry_points=[
            *installed_entry_points(),
            EntryPoint("csvcheck", "rogue_plugins:csv_cells", "pdms"),
        ],
        extra_hooks=[pdms_test_actors],
    )
    del rogue_plugins.csv_cells


def test_a_plugin_measure_keeps_numbers_and_quotes_text(cells_host, pdms_db):
    assert export(cells_host, "csvcheck.cells") == CELLS_CSV


async def test_the_graphql_csv_is_the_same_and_the_json_rows_are_as_typed(
    cells_host, pdms_db, pdms_test_actors
):
    client = GraphQLClient(create_app(host=cells_host, database=pdms_db), pdms_test_actors)
    reader = client.as_actor(staff("core.measures.read"))
    answer = await reader.execute('{ measure(name: "csvcheck.cells") { csv rows } }')
    measure = answer.ok()["measure"]
    assert measure["csv"] == CELLS_CSV
    # JSON is not a spreadsheet: the rows keep the text exactly as stored.
    assert [row[0] for row in measure["rows"]] == [
        "-12.5",
        "=1+2",
        "\tTabbed",
        "\rReturned",
        "Plain - text",
    ]


def test_plugins_write_their_own_exports_with_the_same_helper():
    from pdms_core.plugin import csv_text

    rows = [("tenant", "balance"), ("=HYPERLINK(1)", -12.5), ("-12.5", None)]
    assert csv_text(rows) == "tenant,balance\r\n'=HYPERLINK(1),-12.5\r\n'-12.5,\r\n"
