"""``pdms customer_interactions ...``: the module's commands, on the CLI's configured database.

``pdms --help`` loads this module: the services (and the models and SQLAlchemy behind
them) are imported inside each command, so help stays fast.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import run_command


@click.group("customer_interactions")
def group() -> None:
    """Customer interactions."""


@group.command("count")
def count() -> None:
    """Print how many contacts are recorded."""
    from pdms_customer_interactions import services

    async def work(session: Any) -> int:
        return await services.count_interactions(session)

    click.echo(run_command(work))
