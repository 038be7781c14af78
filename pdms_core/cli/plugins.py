"""``pdms plugins``: what is installed and enabled."""

from __future__ import annotations

from pathlib import Path

import click

from pdms_core import __version__
from pdms_core.cli.context import CliState, pass_state


@click.group()
def plugins() -> None:
    """Inspect installed modules, or start a new one."""


@plugins.command("list")
@pass_state
def list_plugins(state: CliState) -> None:
    """List installed plugins and whether settings enable them."""
    host = state.host
    loaded = {plugin.name: plugin for plugin in host.plugins}
    core = loaded["core"]
    click.echo(f"core\tenabled\t{core.distribution} {core.version}\t{core.manifest.label}")
    for info in host.installed:
        status = "enabled" if info.enabled else "disabled"
        label = loaded[info.name].manifest.label if info.name in loaded else "(not loaded)"
        click.echo(f"{info.name}\t{status}\t{info.distribution} {info.version}\t{label}")


@plugins.command("new")
@click.argument("name")
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write pdms_NAME in (in this repository: plugins).",
)
@click.option("--label", help="Human-friendly name; default from NAME.")
@pass_state
def new_plugin_command(state: CliState, name: str, into: Path, label: str | None) -> None:
    """Write a working, tested skeleton module NAME (lower_snake_case) to start from."""
    from pdms_core.db.migrations import heads
    from pdms_core.scaffold import new_plugin

    target = new_plugin(
        name,
        into,
        label=label or name.replace("_", " ").capitalize(),
        core_head=heads(state.host)["core"],
        core_version=__version__,
    )
    click.echo(f"wrote {target}")
    click.echo(f"next: pip install -e '{target}[test]' && (cd {target} && pytest)")
