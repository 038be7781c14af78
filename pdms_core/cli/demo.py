"""``pdms demo``: a fictional council to explore and to benchmark against."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def demo() -> None:
    """Fictional demo data (never real people or addresses)."""


@demo.command()
@click.option(
    "--size",
    type=click.Choice(["small", "county"]),
    default="small",
    show_default=True,
    help="small: 2,000 places, 600 people, 200 cases; "
    "county: 300,000 places, 100,000 people, 50,000 cases.",
)
@click.option(
    "--seed", type=int, default=7, show_default=True, help="The same seed builds the same council."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when the database already holds people (what `make run` uses).",
)
@pass_state
def seed(state: CliState, size: str, seed: int, if_empty: bool) -> None:
    """Create a fictional council: generated gazetteer, households, histories."""
    from pdms_core.demo.seed import has_people, seed_demo

    async def work(database: Database) -> str:
        if await has_people(database):
            if if_empty:
                return "The database already holds people; demo data not added."
            raise click.ClickException(
                "the database already holds people; use a fresh database (or --if-empty to skip)"
            )
        report = await seed_demo(
            database,
            state.host.lookup_sets,
            size,
            seed,
            progress=lambda step: click.echo(f"  {step} ..."),
        )
        modules = await state.host.seed_demo(database, size, seed)
        problems = report.problems
        return "\n".join(
            [
                f"Demo council ready: {report.places} places, {report.people} people, "
                f"{problems.cases} cases ({problems.demands} demands, {problems.activities} "
                f"activities, {problems.tasks} tasks) in {report.seconds:.1f} s.",
                *(f"  {line}" for line in modules),
            ]
        )

    click.echo(state.run_with_database(work))
