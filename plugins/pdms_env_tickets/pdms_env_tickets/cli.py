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
