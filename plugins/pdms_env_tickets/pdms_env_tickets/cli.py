"""``pdms env_tickets ...``: the module's commands, on the CLI's configured database.

``pdms --help`` loads this module: the services (and the models and SQLAlchemy behind
them) are imported inside each command, so help stays fast.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import run_command


@click.group("env_tickets")
def group() -> None:
    """Environmental services tickets."""


@group.command("count")
def count() -> None:
    """Print how many tickets there are."""
    from sqlalchemy import func, select

    from pdms_env_tickets.models import Ticket

    async def work(session: Any) -> int:
        return await session.scalar(select(func.count()).select_from(Ticket)) or 0

    click.echo(run_command(work))


@group.command("fly-tipping-return")
@click.option(
    "--quarter-start",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First day of the quarter (1 January, April, July or October).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="CSV file (default: stdout).")
def fly_tipping_return(quarter_start: Any, output: str | None) -> None:
    """Write the national fly-tipping return for a quarter as CSV."""
    from pdms_core.plugin import UserError

    from pdms_env_tickets.services.returns import fly_tipping_return as make

    async def work(session: Any) -> str:
        return await make(session, quarter_start.date())

    try:
        text = run_command(work)
    except UserError as error:
        raise click.ClickException(error.message) from None
    if output:
        with open(output, "w", newline="", encoding="utf-8") as file:
            file.write(text)
    else:
        click.echo(text, nl=False)
