"""``pdms reminders run``: queue reminders for intentions due soon or overdue, and
warnings for demands at risk of (or past) their service standard and overdue cases.

Idempotent, so cron can run it as often as wanted (e.g. ``0 7 * * 1-5 pdms reminders
run``); queued messages are delivered by the outbox sender.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state
from pdms_core.today import today

if TYPE_CHECKING:
    from pdms_core.db.engine import Database
    from pdms_core.intentions.reminders import ReminderRun
    from pdms_core.standards.reminders import WarningRun


@click.group()
def reminders() -> None:
    """Reminders about follow-up actions (intentions) and service standards."""


@reminders.command()
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge deadlines as of this date (default: today, UK time).",
)
@click.option(
    "--due-soon-days",
    type=click.IntRange(0, 20),
    default=2,
    show_default=True,
    help="Working days ahead that count as due soon.",
)
@pass_state
def run(state: CliState, as_of: object, due_soon_days: int) -> None:
    """Queue one reminder per open intention that is overdue or due soon, and one
    warning per demand at risk or breached and per overdue case."""
    from pdms_core.db.unit_of_work import unit_of_work
    from pdms_core.intentions.reminders import queue_reminders
    from pdms_core.standards.reminders import queue_service_warnings

    day: date = as_of.date() if as_of else today()

    async def work(database: Database) -> tuple[ReminderRun, WarningRun]:
        async with unit_of_work(database.sessionmaker) as session:
            reminded = await queue_reminders(session, day, due_soon_days)
            return reminded, await queue_service_warnings(session, day)

    result, warned = state.run_with_database(work)
    click.echo(
        f"Reminders for {day.isoformat()}: {result.queued} queued, "
        f"{result.already_queued} already queued, {result.no_recipient} without a recipient."
    )
    click.echo(
        f"Service-standard warnings: {warned.queued['demand']} about demands and "
        f"{warned.queued['case']} about cases queued, {warned.already_queued} already "
        f"queued, {warned.no_recipient} without a recipient."
    )
