"""``pdms member_portal ...``: the module's commands, on the CLI's configured database.

``pdms --help`` loads this module: the services are imported inside each command.
"""

from __future__ import annotations

from typing import Any

import click
from pdms_core.plugin import run_command


@click.group("member_portal")
def group() -> None:
    """Member enquiry portal."""


@group.command("daily")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Run as of this day.")
@click.pass_context
def daily(context: click.Context, on: Any) -> None:
    """Close enquiries past their follow-up window, warn lead officers of deadlines and
    queue the co-ordinators' digest. Run it once a day (twice does no harm)."""
    from pdms_core.plugin import today

    from pdms_member_portal.services.daily import run_daily

    settings = context.find_root().obj.host.plugin("member_portal").settings
    warning_days, mailbox = settings.warning_days, settings.coordinators_email
    day = on.date() if on else today()

    async def work(session: Any) -> str:
        done = await run_daily(session, day, warning_days=warning_days, coordinators_email=mailbox)
        return str(done)

    click.echo(run_command(work))
