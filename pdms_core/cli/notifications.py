"""``pdms notifications``: deliver the outbox and follow up its delivery."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def notifications() -> None:
    """Emails, text messages and letters queued by PDMS (password resets, reminders,
    module notices), sent over SMTP or through GOV.UK Notify."""


@notifications.command()
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many.")
@pass_state
def send(state: CliState, limit: int) -> None:
    """Send due messages: email over SMTP (PDMS_SMTP_HOST ...) or GOV.UK Notify, texts
    and letters through Notify (PDMS_NOTIFY_API_KEY, PDMS_NOTIFY_TEMPLATES). Safe to
    run often and in parallel: nothing is sent twice."""
    from pdms_core.notifications.sender import send_pending

    async def work(database: Database) -> str:
        report = await send_pending(database, state.host.settings, limit=limit)
        line = f"Sent {report.sent} message(s); {report.failed} failed."
        extras = [
            f"{report.waiting} waiting for their channel" if report.waiting else "",
            f"{report.dropped} dropped" if report.dropped else "",
            f"{report.recovered} interrupted send(s) settled" if report.recovered else "",
        ]
        extra = "; ".join(filter(None, extras))
        return f"{line} {extra[0].upper()}{extra[1:]}." if extra else line

    click.echo(state.run_with_database(work))


@notifications.command()
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many.")
@pass_state
def status(state: CliState, limit: int) -> None:
    """Ask GOV.UK Notify whether messages it accepted were delivered, and record it."""
    from pdms_core.notifications.status import refresh_statuses

    async def work(database: Database) -> str:
        report = await refresh_statuses(database, state.host.settings, limit=limit)
        line = f"Checked {report.checked} message(s); {report.changed} changed."
        return f"{line} {report.failed} could not be checked." if report.failed else line

    click.echo(state.run_with_database(work))
