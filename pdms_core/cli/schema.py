"""``pdms schema``: export the SDL and check the checked-in copy."""

from __future__ import annotations

from pathlib import Path

import click

from pdms_core.cli.context import CliState, pass_state


@click.group()
def schema() -> None:
    """Export or check the GraphQL schema of the enabled plugins."""


@schema.command()
@click.option(
    "-o",
    "--output",
    default="schema.graphql",
    show_default=True,
    help="File to write; '-' for standard output.",
)
@pass_state
def export(state: CliState, output: str) -> None:
    """Write the schema as SDL."""
    from pdms_core.graphql.schema import build_schema, export_sdl

    sdl = export_sdl(build_schema(state.host))
    if output == "-":
        click.echo(sdl, nl=False)
        return
    Path(output).write_text(sdl, encoding="utf-8")
    click.echo(f"Wrote {output}")


@schema.command()
@click.argument("path", default="schema.graphql")
@pass_state
def check(state: CliState, path: str) -> None:
    """Fail when PATH differs from the schema of the enabled plugins."""
    from pdms_core.graphql.schema import build_schema, export_sdl

    try:
        stored = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise click.ClickException(f"{path} does not exist; run 'pdms schema export'") from None
    if stored != export_sdl(build_schema(state.host)):
        raise click.ClickException(f"{path} is out of date; run 'pdms schema export'")
    click.echo(f"{path} is up to date.")
