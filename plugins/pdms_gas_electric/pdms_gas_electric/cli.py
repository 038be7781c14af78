"""``pdms gas_electric ...``: the module's commands, on the CLI's configured database.

``pdms --help`` loads this module: the services (and the models and SQLAlchemy behind
them) are imported inside each command, so help stays fast.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import SYSTEM, run_command


@click.group("gas_electric")
def group() -> None:
    """Gas and electrical servicing."""


@group.command("generate-jobs")
@click.option(
    "--within",
    "within_days",
    type=int,
    default=60,
    show_default=True,
    help="Open jobs for homes due within this many days.",
)
@click.option("--kind", type=click.Choice(["gas", "electrical"]), default="gas", show_default=True)
def generate_jobs(within_days: int, kind: str) -> None:
    """Open a servicing job for every home falling due that has none open (idempotent)."""
    from pdms_gas_electric import jobs

    async def work(session: Any) -> int:
        return await jobs.generate_jobs(session, SYSTEM, kind=kind, within_days=within_days)

    opened = run_command(work, audit="gasElectricGenerateJobs")
    click.echo(f"opened {opened} {kind} job{'s' if opened != 1 else ''}")
