"""``pdms documents``: purge deleted and expired documents; find orphaned objects.

Run ``purge`` from cron (daily, say); it is idempotent. ``orphans`` lists objects in
the store that no row names (a transaction that failed after its upload reached the
store, or a purge whose object delete failed) and removes them with ``--delete``: only
objects with keys of the shape PDMS makes, at least an hour old.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def documents() -> None:
    """Documents held against records: purge, orphaned objects."""


@documents.command()
@click.option("--dry-run", is_flag=True, help="List what would go; change nothing.")
@click.option(
    "--deleted-days",
    type=click.IntRange(0),
    default=None,
    help="Grace period for deleted documents (default: PDMS_DOCUMENT_DELETED_DAYS).",
)
@pass_state
def purge(state: CliState, dry_run: bool, deleted_days: int | None) -> None:
    """Remove for good the documents deleted more than the grace period ago, and those
    whose retention class's years have passed since upload."""
    from pdms_core.auth.tokens import now
    from pdms_core.cli_support import _user
    from pdms_core.db.unit_of_work import unit_of_work
    from pdms_core.documents import purge as purging
    from pdms_core.documents.storage import document_store

    settings = state.host.settings
    days = settings.document_deleted_days if deleted_days is None else deleted_days
    store = document_store(settings)

    async def work(database: Database) -> Any:
        at = now()
        async with unit_of_work(database.sessionmaker) as session:
            candidates = await purging.purge_candidates(session, now=at, deleted_days=days)
            if not dry_run:
                await purging.remove_rows(session, candidates, f"cli:{_user()}", at)
        if dry_run:
            return candidates, []
        # rows are gone (committed) before the objects: see documents/purge.py
        return candidates, await purging.remove_objects(store, [c.store_key for c in candidates])

    candidates, failed = state.run_with_database(work)
    for candidate in candidates:
        click.echo(
            f"Document {candidate.id} ({candidate.holder_type} {candidate.holder_id}): "
            f"{candidate.reason}"
        )
    verb = "would be purged" if dry_run else "purged"
    click.echo(f"{len(candidates)} document(s) {verb}.")
    if failed:
        click.echo(
            f"{len(failed)} object(s) could not be deleted from the store; "
            "`pdms documents orphans --delete` removes them later.",
            err=True,
        )


@documents.command()
@click.option("--delete", "remove", is_flag=True, help="Delete the orphaned objects.")
@click.option(
    "--older-than-hours",
    type=click.IntRange(1),
    default=24,
    show_default=True,
    help="Leave objects written more recently (an upload may still be committing); at least 1.",
)
@pass_state
def orphans(state: CliState, remove: bool, older_than_hours: int) -> None:
    """List objects in the document store that no document names.

    Only objects whose keys have the shape PDMS gives its own (``2026/12/`` and 32 hex
    digits, or a local store's ``.partial`` temporary file of one) are counted: other
    objects in a shared bucket are never listed or deleted."""
    from datetime import timedelta

    from pdms_core.auth.tokens import now
    from pdms_core.cli_support import _user
    from pdms_core.db.unit_of_work import unit_of_work
    from pdms_core.documents import purge as purging
    from pdms_core.documents.storage import document_store, orphaned

    store = document_store(state.host.settings)

    async def work(database: Database) -> Any:
        async with database.sessionmaker() as session:
            keys = await purging.known_keys(session)
        found = await orphaned(store, keys, timedelta(hours=older_than_hours))
        if not remove:
            return found, []
        failed = await purging.remove_objects(store, [item.key for item in found])
        deleted = [item.key for item in found if item.key not in set(failed)]
        async with unit_of_work(database.sessionmaker) as session:
            await purging.record_orphans_deleted(session, deleted, f"cli:{_user()}", now())
        return found, failed

    found, failed = state.run_with_database(work)
    for item in found:
        click.echo(f"{item.key}\t{item.size} bytes\t{item.modified.isoformat(timespec='seconds')}")
    if remove:
        click.echo(f"{len(found) - len(failed)} orphaned object(s) deleted.")
        if failed:
            click.echo(f"{len(failed)} could not be deleted.", err=True)
    else:
        click.echo(f"{len(found)} orphaned object(s).")
