"""Permissions of staff users: the union of their roles, council-wide or per team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.auth.models import Role, RolePermission, StaffUser, UserRole


async def actor_for_user(session: AsyncSession, user: StaffUser) -> Actor:
    """The actor of a signed-in staff user, with the permissions of their roles."""
    rows = await session.execute(
        select(RolePermission.permission, UserRole.team_id)
        .join(Role, Role.id == RolePermission.role_id)
        .join(UserRole, UserRole.role_id == Role.id)
        .where(UserRole.user_id == user.id, Role.is_active.is_(True))
    )
    everywhere: set[str] = set()
    team_grants: set[tuple[str, int]] = set()
    for code, team_id in rows:
        if team_id is None:
            everywhere.add(code)
        else:
            team_grants.add((code, team_id))
    return Actor(
        kind=ActorKind.USER,
        id=f"user:{user.id}",
        display_name=user.display_name,
        permissions=frozenset(everywhere | {code for code, _ in team_grants}),
        global_permissions=frozenset(everywhere),
        team_grants=frozenset(team_grants),
    )


def user_id_of(actor: Actor) -> int | None:
    """The staff user id behind an actor, if it is a signed-in user."""
    if actor.kind is ActorKind.USER and actor.id and actor.id.startswith("user:"):
        try:
            return int(actor.id.removeprefix("user:"))
        except ValueError:
            return None
    return None
