"""``pdms lookups``: keep configurable lists in step with the modules' declarations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database
    from pdms_core.lookups.sync import SyncReport


@click.group()
def lookups() -> None:
    """Configurable lists (contact-detail types, demand types, ...)."""


@lookups.command()
@click.option("-v", "--verbose", is_flag=True, help="List every change.")
@pass_state
def sync(state: CliState, verbose: bool) -> None:
    """Create and update declared lists; idempotent, deactivates values in use."""
    from pdms_core.db.unit_of_work import unit_of_work
    from pdms_core.lookups.sync import sync_lookups

    host = state.host

    async def work(database: Database) -> SyncReport:
        async with unit_of_work(database.sessionmaker) as session:
            return await sync_lookups(session, host.lookup_sets)

    report = state.run_with_database(work)
    click.echo(f"Lookups synced: {report.summary()}.")
    if verbose:
        for kind in (
            "sets_created",
            "sets_updated",
            "values_created",
            "values_updated",
            "values_deactivated",
            "values_deleted",
        ):
            for item in getattr(report, kind):
                click.echo(f"  {kind.replace('_', ' ')}: {item}")


@lookups.command()
@click.argument("code", required=False)
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive values.")
@pass_state
def show(state: CliState, code: str | None, include_inactive: bool) -> None:
    """Show every list, or the values of the list CODE."""
    from sqlalchemy import select

    from pdms_core.lookups.models import LookupSet, LookupValue

    async def work(database: Database) -> list[str]:
        async with database.sessionmaker() as session:
            if code is None:
                sets = await session.scalars(select(LookupSet).order_by(LookupSet.code))
                return [f"{s.code}\t{s.module}\t{s.label}" for s in sets]
            lookup_set = await session.scalar(select(LookupSet).where(LookupSet.code == code))
            if lookup_set is None:
                raise click.ClickException(f"there is no lookup list {code!r}")
            statement = select(LookupValue).where(LookupValue.set_id == lookup_set.id)
            if not include_inactive:
                statement = statement.where(LookupValue.is_active.is_(True))
            values = await session.scalars(statement.order_by(LookupValue.sort_order))
            return [
                f"{v.code}\t{v.label}" + ("" if v.is_active else "\t(inactive)") for v in values
            ]

    lines = state.run_with_database(work)
    click.echo("\n".join(lines) if lines else "(none)")
