"""``pdms measures``: list the measures and export any of them as CSV."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, LazyChoice, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


def _buckets() -> tuple[str, ...]:
    from pdms_core.measures.filters import BUCKETS

    return BUCKETS


@click.group()
def measures() -> None:
    """Strategic measures: list them, export them as CSV."""


@measures.command("list")
@pass_state
def list_measures(state: CliState) -> None:
    """List the measures of core and the enabled plugins."""
    for module, spec in state.host.measures:
        click.echo(f"{spec.name}\t{module}\t{spec.title}")


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@measures.command()
@click.argument("name")
@click.option("--module", "modules", multiple=True, help="Only this module (repeatable).")
@click.option("--team", "teams", multiple=True, help="Only cases of the team CODE (repeatable).")
@click.option("--from", "date_from", callback=_day, help="First day counted, YYYY-MM-DD.")
@click.option("--to", "date_to", callback=_day, help="Last day counted, YYYY-MM-DD.")
@click.option("--ward", "wards", multiple=True, help="Only cases with a place in the ward.")
@click.option(
    "--postcode-area", "areas", multiple=True, help="Only cases with a place in AB or AB1."
)
@click.option(
    "--bucket",
    type=LazyChoice(_buckets),
    default="month",
    show_default=True,
    help="Period of measures over time.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    help="File to write; `-` (the default) for standard output.",
)
@pass_state
def export(
    state: CliState,
    name: str,
    modules: tuple[str, ...],
    teams: tuple[str, ...],
    date_from: date | None,
    date_to: date | None,
    wards: tuple[str, ...],
    areas: tuple[str, ...],
    bucket: str,
    output: Path,
) -> None:
    """Compute the measure NAME and write it as CSV (to standard output by default)."""
    from pdms_core.measures import services
    from pdms_core.measures.filters import MeasureFilter

    host = state.host
    services.find_measure(host, name)

    async def work(database: Database) -> str:
        async with database.sessionmaker() as session:
            measure_filter = MeasureFilter(
                modules=modules,
                team_ids=await services.team_ids(session, teams),
                date_from=date_from,
                date_to=date_to,
                wards=wards,
                postcode_areas=areas,
                bucket=bucket,
            )
            table = await services.compute_measure(session, host, name, measure_filter)
        return table.to_csv()

    text = state.run_with_database(work)
    # Written as bytes so the CSV keeps its CRLF line ends on every platform.
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        output.write_bytes(text.encode("utf-8"))
