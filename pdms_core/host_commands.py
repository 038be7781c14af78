"""Plugin command groups for the CLI, found without loading the whole host.

``pdms --help`` and ``pdms <plugin> ...`` need each enabled plugin's click group, not
core's GraphQL types or anyone's models; :func:`plugin_commands` imports only the
enabled plugins' entry-point modules and calls ``pdms_register_commands`` on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint
from typing import Any

import pluggy

from pdms_core import hookspecs
from pdms_core.errors import PluginError
from pdms_core.host import (
    _describe_installed,
    _import_entry_point,
    _manifest_of,
    installed_entry_points,
)
from pdms_core.settings import Settings


def plugin_commands(
    settings: Settings, cli: Any, *, entry_points: Iterable[EntryPoint] | None = None
) -> None:
    """Add each enabled plugin's command group to ``cli`` without loading the host.

    The light path behind ``pdms --help`` and ``pdms <plugin> --help``: only the enabled
    plugins' entry-point modules are imported and asked for their manifest and
    ``pdms_register_commands``, under the same rules as :meth:`PluginHost.register_commands`.
    Core's hooks, GraphQL contributions and models are left alone; a command that needs
    them loads the full host when it runs (which validates everything else).
    """
    eps = installed_entry_points() if entry_points is None else list(entry_points)
    by_name = {ep.name: ep for ep in eps}
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.hook.pdms_add_hookspecs.call_historic(kwargs={"pluginmanager": pm})
    for info in _describe_installed(eps, settings):
        if not info.enabled:
            continue
        module = _import_entry_point(by_name[info.name])
        try:
            pm.register(module, name=info.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(
                f"plugin {info.name!r} does not fit the hook specifications: {exc}"
            ) from exc
        _manifest_of(pm, module, info.name)
        add_plugin_group(cli, info.name, _call_module(pm), module)


def _call_module(pm: pluggy.PluginManager) -> Any:
    def call(hook_name: str, module: Any, **kwargs: Any) -> Any:
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.plugin is module:
                return impl.function(**kwargs)
        return None

    return call


def add_plugin_group(cli: Any, name: str, call: Any, target: Any) -> None:
    """Let one plugin register into a scratch group, then move its group into ``cli``.

    A plugin that breaks the rule (or tries to replace a core command) changes nothing
    in the real CLI.
    """
    import click

    scratch = click.Group(name)
    call("pdms_register_commands", target, cli=scratch)
    stray = sorted(set(scratch.commands) - {name})
    if stray:
        raise PluginError(
            f"plugin {name!r} added CLI command(s) {stray}; a plugin may add "
            f"only a group named {name!r}"
        )
    for group_name, command in scratch.commands.items():
        if group_name in cli.commands:
            raise PluginError(
                f"plugin {name!r} adds CLI group {group_name!r}, which core already has"
            )
        cli.add_command(command, group_name)
