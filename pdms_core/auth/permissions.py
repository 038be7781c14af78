"""Permissions of staff users: the union of their roles, council-wide or per team."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import select

from pdms_core.auth.actor import Actor, ActorKind
from pdms_core.auth.models import Role, RolePermission, UserRole


def actor_for_user(
    user_id: int, display_name: str, grants: Iterable[tuple[str | None, int | None]]
) -> Actor:
    """The actor of a signed-in staff user, from the ``(permission, team_id)`` pairs of
    their active roles (:func:`user_grants`; a permission of None is no grant)."""
    everywhere: set[str] = set()
    team_grants: set[tuple[str, int]] = set()
    for code, team_id in grants:
        if code is None:
            continue
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
def user_grants() -> Any:
    """``(user_id, permission, team_id)`` for every permission an active role grants a
    user, council-wide (``team_id`` null) or within a team: signing in joins it to the
    session it finds, so one statement brings both."""
    return (
        select(UserRole.user_id, RolePermission.permission, UserRole.team_id)
        .join(Role, Role.id == RolePermission.role_id)
        .join(UserRole, UserRole.role_id == Role.id)
        .where(Role.is_active.is_(True))
        .subquery("user_grant")
    )


def user_id_of(actor: Actor) -> int | None:
    """The staff user id behind an actor, if it is a signed-in user."""
    if actor.kind is ActorKind.USER and actor.id and actor.id.startswith("user:"):
        try:
            return int(actor.id.removeprefix("user:"))
        except ValueError:
            return None
    return None
