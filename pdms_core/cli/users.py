"""``pdms users``: bootstrap administration."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

import click

from pdms_core.cli.context import CliState, pass_state

if TYPE_CHECKING:
    from pdms_core.db.engine import Database


@click.group()
def users() -> None:
    """Staff users and their sign-in."""


@users.command("create-admin")
@click.option("--email", required=True, help="The administrator's work email.")
@click.option("--name", "display_name", default="Administrator", show_default=True)
@click.option(
    "--generate-password",
    is_flag=True,
    help="Make up a strong password and print it (demo and first install).",
)
@pass_state
def create_admin(state: CliState, email: str, display_name: str, generate_password: bool) -> None:
    """Create (or reset) an administrator holding every declared permission.

    The password comes from PDMS_ADMIN_PASSWORD, a prompt, or --generate-password.
    """
    from pdms_core.auth.users import create_admin as bootstrap

    if generate_password:
        password = secrets.token_urlsafe(15)
    else:
        password = os.environ.get("PDMS_ADMIN_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
    permissions = {p.code for p in state.host.permissions}

    async def work(database: Database) -> str:
        async with database.sessionmaker() as session, session.begin():
            user = await bootstrap(
                session,
                email=email,
                display_name=display_name,
                password=password,
                permissions=permissions,
            )
            return user.email

    stored = state.run_with_database(work)
    click.echo(f"Administrator ready: {stored}")
    if generate_password:
        click.echo(f"Password: {password}")
