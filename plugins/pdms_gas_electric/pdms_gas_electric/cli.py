"""``pdms gas_electric ...``: the module's commands, on the CLI's configured database.

``pdms --help`` loads this module: the services (and the models and SQLAlchemy behind
them) are imported inside each command, so help stays fast.
"""

from __future__ import annotations

from pathlib import Path
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
@click.option("--contractor", "contractor_code", help="Give the new jobs to this contractor code.")
def generate_jobs(within_days: int, kind: str, contractor_code: str | None) -> None:
    """Open a servicing job for every home falling due that has none open (idempotent)."""
    from pdms_gas_electric import jobs

    async def work(session: Any) -> int:
        return await jobs.generate_jobs(
            session, SYSTEM, kind=kind, within_days=within_days, contractor_code=contractor_code
        )

    opened = run_command(work, audit="gasElectricGenerateJobs")
    click.echo(f"opened {opened} {kind} job{'s' if opened != 1 else ''}")


def _settings() -> Any:
    state = click.get_current_context().find_root().obj
    return state.host.plugin("gas_electric").settings


@group.command("import-return")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preview", is_flag=True, help="Check and count, store nothing.")
def import_return(path: Path, preview: bool) -> None:
    """Import a contractor's return (.xlsx or .csv): all rows or none."""
    from pdms_gas_electric.returns import import_return as run

    settings = _settings()

    async def work(session: Any) -> Any:
        return await run(
            session,
            SYSTEM,
            content=path.read_bytes(),
            file_name=path.name,
            max_bytes=settings.max_return_bytes,
            preview=preview,
        )

    outcome = run_command(work, audit=None if preview else "gasElectricImportReturn")
    for error in outcome.row_errors:
        click.echo(f"row {error.row}, {error.column}: {error.message}", err=True)
    state = "previewed" if preview else ("imported" if outcome.imported else "refused")
    click.echo(
        f"{state}: {outcome.rows} rows, {outcome.gas_checks} gas checks, {outcome.eicrs} EICRs, "
        f"{outcome.already_imported} already imported, {len(outcome.row_errors)} errors"
    )
    if outcome.row_errors:
        raise SystemExit(1)


@group.command("remind")
def remind() -> None:
    """Queue today's digests (stalled jobs, checks falling due) in the outbox; run daily."""
    from pdms_gas_electric.reminders import queue_reminders

    settings = _settings()
    if not settings.reminder_email:
        raise click.ClickException(
            "Set the servicing team's address: PDMS_GAS_ELECTRIC__REMINDER_EMAIL."
        )

    async def work(session: Any) -> Any:
        return await queue_reminders(
            session,
            recipient=settings.reminder_email,
            stall_days=settings.stall_days,
            due_days=settings.reminder_due_days,
        )

    outcome = run_command(work)
    click.echo(
        f"{outcome.stalled_jobs} stalled jobs, {outcome.homes_due} homes due; "
        f"{outcome.queued} reminders queued"
    )
