"""Permissions of staff users: the union of their roles, council-wide or per team."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, select

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.auth.models import Role, RolePermission, UserRole


async def actor_for_user(connection: Any, user_id: int, display_name: str) -> Actor:
    """The actor of a signed-in staff user, with the permissions of their roles.

    ``connection`` is a connection or a session (signing in uses a connection)."""
    rows = await connection.execute(_grants_of_user(), {"user_id": user_id})
    everywhere: set[str] = set()
    team_grants: set[tuple[str, int]] = set()
    for code, team_id in rows:
        if team_id is None:
            everywhere.add(code)
        else:
            team_grants.add((code, team_id))
    return Actor(
        kind=ActorKind.USER,
        id=f"user:{user_id}",
        display_name=display_name,
        permissions=frozenset(everywhere | {code for code, _ in team_grants}),
        global_permissions=frozenset(everywhere),
        team_grants=frozenset(team_grants),
    )


@cache
def _grants_of_user() -> Any:
    # Built once: every request signs in with it (see auth/sessions._session_by_token).
    return (
        select(RolePermission.permission, UserRole.team_id)
        .join(Role, Role.id == RolePermission.role_id)
        .join(UserRole, UserRole.role_id == Role.id)
        .where(UserRole.user_id == bindparam("user_id"), Role.is_active.is_(True))
    )


def user_id_of(actor: Actor) -> int | None:
    """The staff user id behind an actor, if it is a signed-in user."""
    if actor.kind is ActorKind.USER and actor.id and actor.id.startswith("user:"):
        try:
            return int(actor.id.removeprefix("user:"))
        except ValueError:
            return None
    return None
