"""``pdms notifications``: deliver the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def notifications() -> None:
    """Emails queued by PDMS (password resets, invitations, reminders)."""


@notifications.command()
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many.")
@pass_state
def send(state: CliState, limit: int) -> None:
    """Send queued messages over SMTP (PDMS_SMTP_HOST, PDMS_SMTP_PORT ...)."""
    from pdms_core.notifications.sender import send_pending

    async def work(database: Database) -> str:
        report = await send_pending(database, state.host.settings, limit=limit)
        return f"Sent {report.sent} message(s); {report.failed} failed."

    click.echo(state.run_with_database(work))
