"""``pdms people``: the duplicate people job (docs/linkage.md).

Splink, DuckDB and pyarrow load inside the command, never for ``pdms --help``.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def people() -> None:
    """People: find duplicate records for review."""


@people.command("find-duplicates")
@click.option(
    "--retrain",
    is_flag=True,
    help="Train the model again on the current data (otherwise the saved one is reused).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Match probability to propose a pair at (default PDMS_DUPLICATE_THRESHOLD).",
)
@click.option(
    "--backend",
    type=click.Choice(["duckdb", "spark"]),
    default=None,
    help="Splink's engine (default PDMS_DUPLICATE_BACKEND).",
)
@pass_state
def find_duplicates(
    state: CliState, retrain: bool, threshold: float | None, backend: str | None
) -> None:
    """Score pairs of people and propose likely duplicates for review.

    Trains the model on first use (or with --retrain) and saves it in the database;
    pairs decided "not a duplicate" are never proposed again.
    """
    from pdms_core.linkage.batch import find_duplicates as run_job

    settings = state.settings

    async def work(database: Database) -> object:
        return await run_job(
            database,
            run_by=f"cli:{getpass.getuser()}",
            backend=backend or settings.duplicate_backend,
            threshold=threshold or settings.duplicate_threshold,
            retrain=retrain,
        )

    summary = state.run_with_database(work)
    click.echo(
        f"people {summary.people}  model {summary.model_id}"
        f"{' (trained now)' if summary.trained else ''}  pairs over threshold {summary.pairs}\n"
        f"review items: new {summary.new}, re-scored {summary.rescored}, "
        f"already decided {summary.already_decided}, closed as merged {summary.merged}"
    )
