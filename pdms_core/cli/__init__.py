"""The ``pdms`` command line. Errors print as one line and exit non-zero."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import click

from pdms_core.cli.context import CliState
from pdms_core.cli.db import db
from pdms_core.cli.demo import demo
from pdms_core.cli.gazetteer import gazetteer
from pdms_core.cli.lookups import lookups
from pdms_core.cli.measures import measures
from pdms_core.cli.notifications import notifications
from pdms_core.cli.plugins import plugins
from pdms_core.cli.reminders import reminders
from pdms_core.cli.schema import schema
from pdms_core.cli.serve import serve
from pdms_core.cli.users import users
from pdms_core.errors import PdmsError


def build_cli(state: CliState) -> click.Group:
    """The root group with core's commands and every enabled plugin's group."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="pdms-core", prog_name="pdms")
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        """PDMS: the Person-Place-Problem case-management API for councils.

        Configure with PDMS_DATABASE_URL, PDMS_PLUGINS, PDMS_DEBUG (see the README).
        """
        ctx.obj = state

    for command in (
        serve,
        db,
        schema,
        lookups,
        measures,
        plugins,
        gazetteer,
        demo,
        reminders,
        users,
        notifications,
    ):
        cli.add_command(command)
    state.add_plugin_commands(cli)
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
