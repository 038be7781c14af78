"""``pdms plugins``: what is installed and enabled."""

from __future__ import annotations

import click

from pdms_core.cli.context import CliState, pass_state


@click.group()
def plugins() -> None:
    """Inspect installed modules."""


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
