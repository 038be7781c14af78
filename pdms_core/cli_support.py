"""What a module's CLI commands need from the `pdms` command: its configured database,
and an audit row for a change made from the command line."""

from __future__ import annotations

import getpass
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pdms_core.auth.actor import SYSTEM
from pdms_core.errors import UserError, UserErrors

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def run_command(work: Callable[[AsyncSession], Awaitable[T]], *, audit: str | None = None) -> T:
    """Run ``work(session)`` in one unit of work on the database the `pdms` command is
    configured with (settings, ``PDMS_DATABASE_URL``), and return its result.

    With ``audit`` (an action name, best the GraphQL mutation's: ``rentArrearsImportReport``)
    the change writes an audit row like the API's, in the same transaction: actor
    ``cli:<operating-system user>``, target the result's ``audit_target`` (or the result)
    when it has an ``id``. A typed error, or a result whose ``errors`` is not empty,
    writes a ``rejected`` row instead.

    Typed errors (``ValidationFailed`` ...) propagate: `pdms` prints them as one
    ``error: ...`` line and exits non-zero. Example::

        @group.command("count")
        def count() -> None:
            click.echo(run_command(services.count_records))
    """
    # Imported here: modules' CLI files import run_command at the top, and their
    # ``--help`` must not load SQLAlchemy and the audit models.
    from sqlalchemy import insert

    from pdms_core.audit.models import AuditEvent
    from pdms_core.db.unit_of_work import unit_of_work

    state = click.get_current_context().find_root().obj

    async def runner(database: Any) -> T:
        try:
            async with unit_of_work(database.sessionmaker) as session:
                value = await work(session)
                if audit is not None:
                    # a result that carries errors (an import refused row by row) changed nothing
                    outcome = "rejected" if getattr(value, "errors", None) else "ok"
                    await session.execute(insert(AuditEvent), [_row(audit, outcome, value)])
                return value
        except (UserError, UserErrors):
            if audit is not None:
                async with unit_of_work(database.sessionmaker) as session:
                    await session.execute(insert(AuditEvent), [_row(audit, "rejected", None)])
            raise

    return state.run_with_database(runner)


def _row(action: str, outcome: str, value: Any) -> dict[str, Any]:
    from pdms_core.audit.targets import audit_target
    from pdms_core.auth.tokens import now

    target_type, target_id = audit_target(value)
    return {
        "at": now(),
        "actor_kind": SYSTEM.kind.value,
        "actor_id": f"cli:{_user()}",
        "action": action,
        "outcome": outcome,
        "target_type": target_type,
        "target_id": target_id,
        "ip": None,
    }


def _user() -> str:
    try:
        return getpass.getuser()[:90]
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
