"""``pdms gazetteer``: import a gazetteer file, or generate a synthetic one."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, LazyChoice, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database
    from pdms_core.gazetteer import ImportReport

#: Bad rows printed by the CLI; the rest are counted.
SHOWN_ERRORS = 50


def _format_names() -> list[str]:
    from pdms_core.gazetteer import FORMATS

    return list(FORMATS)


@click.group()
def gazetteer() -> None:
    """Import the address gazetteer (AddressBase, LLPG DTF 7.3, simple CSV)."""


@gazetteer.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=LazyChoice(_format_names),
    required=True,
    help="The file's format (see docs/gazetteer.md).",
)
@click.option(
    "--keep-indexes",
    is_flag=True,
    help="Keep place's indexes and search words up row by row even for a large file, "
    "instead of building them once at the end: slower, but on PostgreSQL other users "
    "can read places while the import runs (see docs/gazetteer.md).",
)
@pass_state
def import_(state: CliState, file: Path, fmt: str, keep_indexes: bool) -> None:
    """Import FILE in one transaction: every row, or none when any row is bad."""
    from pdms_core.gazetteer import import_gazetteer

    size = file.stat().st_size

    async def work(database: Database) -> ImportReport:
        # On stderr, so that standard output is the summary alone.
        with click.progressbar(length=size, label=f"Reading {file.name}", file=sys.stderr) as bar:
            done = 0

            def progress(position: int) -> None:
                nonlocal done
                bar.update(position - done)
                done = position

            return await import_gazetteer(
                database, file, fmt, progress=progress, defer_upkeep=False if keep_indexes else None
            )

    report = state.run_with_database(work)
    if not report.ok:
        for error in report.errors[:SHOWN_ERRORS]:
            click.echo(f"  {error}", err=True)
        hidden = report.bad_rows - min(len(report.errors), SHOWN_ERRORS)
        if hidden:
            click.echo(f"  ... and {hidden} more bad rows", err=True)
        raise click.ClickException(report.summary())
    click.echo(report.summary())
    if report.upkeep_deferred:
        click.echo("  place's indexes and search words were built once, at the end")
    for move in report.repointed:
        click.echo(
            f"  person address {move.person_address_id} (person {move.person_id}) re-pointed "
            f"from UPRN {move.from_uprn} to {move.to_uprn}"
        )
    for problem in report.unresolved_successors:
        click.echo(f"  successor not followed: {problem}")
    if report.deletes_not_found:
        click.echo(f"  {report.deletes_not_found} deleted UPRNs were not in the database")


@gazetteer.command()
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--rows", type=click.IntRange(min=1), required=True, help="How many rows.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["addressbase-plus"]),
    default="addressbase-plus",
    show_default=True,
    help="The file format to write.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same file.")
def generate(out: Path, rows: int, fmt: str, seed: int) -> None:
    """Write a synthetic gazetteer file of fictional addresses to OUT."""
    from pdms_core.gazetteer.generate import generate as generate_file

    started = time.perf_counter()
    size = generate_file(out, rows, seed)
    click.echo(
        f"Wrote {rows} {fmt} rows ({size / 1e6:.1f} MB) to {out} "
        f"in {time.perf_counter() - started:.1f} s."
    )
