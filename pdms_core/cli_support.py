"""What a module's CLI commands need from the `pdms` command: its configured database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.db.unit_of_work import unit_of_work

T = TypeVar("T")


def run_command(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work(session)`` in one unit of work on the database the `pdms` command is
    configured with (settings, ``PDMS_DATABASE_URL``), and return its result.

    Typed errors (``ValidationFailed`` ...) propagate: `pdms` prints them as one
    ``error: ...`` line and exits non-zero. Example::

        @group.command("count")
        def count() -> None:
            click.echo(run_command(services.count_records))
    """
    state = click.get_current_context().find_root().obj

    async def runner(database: Any) -> T:
        async with unit_of_work(database.sessionmaker) as session:
            return await work(session)

    return state.run_with_database(runner)
