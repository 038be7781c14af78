"""Fixtures for the security tests: real users, roles, sign-in and API keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pdms_core.auth.actor import SYSTEM
from pdms_core.auth.apikeys import create_api_key
from pdms_core.auth.users import RoleFields, create_role, create_user, grant_role
from pdms_core.db.engine import Database
from pdms_core.lookups.sync import sync_lookups

PASSWORD = "correct-horse-battery-2025"
LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) { token csrfToken expiresAt user { email } errors { code field message } }
}
"""


class Staff:
    """Creates users with roles in the test database and signs them in."""

    def __init__(self, database: Database, graphql: Any, host: Any):
        self.database = database
        self.graphql = graphql
        self.declared = {p.code for p in host.permissions}
        self._roles = 0

    async def user(
        self,
        email: str,
        *permissions: str,
        team_id: int | tuple[int, ...] | None = None,
        password: str = PASSWORD,
        council_wide: tuple[str, ...] = (),
    ) -> int:
        """A user holding ``permissions`` (within ``team_id`` — or each of several —
        when given) and, from a second role, ``council_wide`` everywhere."""
        async with self.database.sessionmaker() as session, session.begin():
            user = await create_user(
                session, SYSTEM, email=email, display_name=email.split("@")[0], password=password
            )
            teams = team_id if isinstance(team_id, tuple) else (team_id,)
            for codes, within in ((permissions, teams), (council_wide, (None,))):
                if codes:
                    self._roles += 1
                    role = await create_role(
                        session,
                        RoleFields(f"role_{self._roles}", "Test role", "", list(codes)),
                        self.declared,
                    )
                    for team in within:
                        await grant_role(
                            session, user_id=user.id, role_code=role.code, team_id=team
                        )
            return user.id

    async def login(self, email: str, password: str = PASSWORD, **extra: Any) -> Any:
        return await self.graphql.execute(
            LOGIN, {"input": {"email": email, "password": password, **extra}}
        )

    async def token(self, email: str, *permissions: str, **kwargs: Any) -> str:
        await self.user(email, *permissions, **kwargs)
        result = await self.login(email)
        return result.ok()["login"]["token"]

    async def api_key(self, *permissions: str, read_only: bool = True, **kwargs: Any) -> Any:
        async with self.database.sessionmaker() as session, session.begin():
            return await create_api_key(
                session,
                SYSTEM,
                name="Test partner feed",
                agency_code="police",
                permissions=list(permissions),
                read_only=read_only,
                expires_at=kwargs.get("expires_at"),
                rate_limit_per_minute=kwargs.get("rate_limit_per_minute", 60),
                declared=self.declared,
            )


@pytest.fixture
async def staff_users(pdms_db: Database, graphql: Any, pdms_host: Any) -> Staff:
    async with pdms_db.sessionmaker() as session, session.begin():
        await sync_lookups(session, pdms_host.lookup_sets)
    return Staff(pdms_db, graphql, pdms_host)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


Exec = Callable[..., Any]


def got_nothing(result: Any) -> bool:
    """No root field returned data, and there is an error saying why."""
    return bool(result.errors) and not any((result.data or {}).values())
