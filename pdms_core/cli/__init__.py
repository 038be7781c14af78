"""The ``pdms`` command line. Errors print as one line and exit non-zero.

Start-up is kept short (``pdms --help`` well under half a second): core's command
modules are imported when their command is asked for (click's lazy group pattern),
plugin groups come from the plugins' entry-point modules alone (``host_commands``), and
the modules import SQLAlchemy, strawberry and the plugin host inside the commands that
use them. ``tests/test_cli_startup.py`` fails when a heavy import creeps back in.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence

import click

from pdms_core.cli.context import CliState
from pdms_core.errors import PdmsError

#: Core's commands: name -> "module:attribute", imported on first use. A new core
#: command is one line here (its module imports only click at the top).
CORE_COMMANDS: Mapping[str, str] = {
    "db": "pdms_core.cli.db:db",
    "demo": "pdms_core.cli.demo:demo",
    "documents": "pdms_core.cli.documents:documents",
    "trusted-documents": "pdms_core.cli.trusted_documents:trusted_documents",
    "gazetteer": "pdms_core.cli.gazetteer:gazetteer",
    "lookups": "pdms_core.cli.lookups:lookups",
    "measures": "pdms_core.cli.measures:measures",
    "notifications": "pdms_core.cli.notifications:notifications",
    "people": "pdms_core.cli.people:people",
    "plugins": "pdms_core.cli.plugins:plugins",
    "reminders": "pdms_core.cli.reminders:reminders",
    "schema": "pdms_core.cli.schema:schema",
    "serve": "pdms_core.cli.serve:serve",
    "users": "pdms_core.cli.users:users",
}


class LazyGroup(click.Group):
    """A group whose core commands load on first use and whose plugin groups are
    added once, when a command outside core's is first listed or asked for."""

    def __init__(
        self,
        *args: object,
        lazy_commands: Mapping[str, str],
        add_plugin_groups: Callable[[click.Group], None],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands)
        self._add_plugin_groups: Callable[[click.Group], None] | None = add_plugin_groups

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._plugins()
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            module_name, attribute = self.lazy_commands[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        elif cmd_name not in self.commands:
            self._plugins()
        return super().get_command(ctx, cmd_name)

    def _plugins(self) -> None:
        if self._add_plugin_groups is None:
            return
        add, self._add_plugin_groups = self._add_plugin_groups, None
        add(self)


def build_cli(state: CliState) -> click.Group:
    """The root group with core's commands and every enabled plugin's group."""

    @click.group(
        cls=LazyGroup,
        lazy_commands=CORE_COMMANDS,
        add_plugin_groups=state.add_plugin_commands,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @click.version_option(package_name="pdms-core", prog_name="pdms")
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        """PDMS: the Person-Place-Problem case-management API for councils.

        Configure with PDMS_DATABASE_URL, PDMS_PLUGINS, PDMS_DEBUG (see the README).
        """
        ctx.obj = state

    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pdms`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    state = CliState.from_env()
    try:
        build_cli(state).main(
            args=list(argv) if argv is not None else None, prog_name="pdms", standalone_mode=False
        )
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except PdmsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("PDMS_TRACEBACK"):
            raise
        # Only the type: messages from drivers can carry personal data.
        click.echo(
            f"error: unexpected {type(exc).__name__} (set PDMS_TRACEBACK=1 for the details)",
            err=True,
        )
        sys.exit(1)
