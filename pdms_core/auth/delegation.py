"""Delegation: what a caller may hand out through roles, checked before ``users`` acts.

The rules (the GraphQL mutations call these; the CLI and importers, acting as the
system, call :mod:`pdms_core.auth.users` directly):

- Granting or revoking a role needs ``core.users.manage`` and every permission of the
  role, each held at least as widely as the grant: council-wide for a council-wide
  grant, within the team for a team grant. A manager limited to teams therefore works
  only within their teams, and only with roles whose codes they hold there.
- Nobody gives themselves a new grant; repeating one they already have changes
  nothing and is allowed. (A second grant of what they already reach would outlive
  the revocation of the first.)
- Creating a role, or changing a role's permissions, needs ``core.roles.manage``
  council-wide, and every code added or removed held council-wide: a role can be
  granted anywhere, so only council-wide holding bounds what it can confer. Because of
  this, editing a role granted to the editor can never widen the editor's own grants.
- The ``admin`` role is made only by ``pdms users create-admin``: a role of that code
  made through the API would be filled with every permission by the next bootstrap.
- Editing a staff user (email, name, deactivation) needs every permission the user
  holds, as widely as they hold it: otherwise redirecting a wider user's email and
  resetting their password would take over their grants.

Refusals are ``PERMISSION_DENIED`` naming the input field at fault.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pdms_core.auth import users
from pdms_core.auth.actor import Actor
from pdms_core.auth.models import Role, RolePermission, StaffUser, UserRole
from pdms_core.auth.permissions import actor_for_user, user_grants, user_id_of
from pdms_core.errors import NotFound, PermissionDenied

USERS_MANAGE = "core.users.manage"
ROLES_MANAGE = "core.roles.manage"
ADMIN_ROLE = "admin"


async def role_codes(session: AsyncSession, role_id: int) -> set[str]:
    return set(
        await session.scalars(
            select(RolePermission.permission).where(RolePermission.role_id == role_id)
        )
    )


def _unreached(actor: Actor, codes: Iterable[str], team_id: int | None) -> list[str]:
    return sorted(code for code in set(codes) if not actor.reaches(code, team_id))


async def _check_grant(
    session: AsyncSession, actor: Actor, user_id: int, role_code: str, team_id: int | None
) -> Role:
    """The role, once ``actor`` may give or take it within ``team_id``."""
    await users.get_user(session, user_id)
    role = await users.role_by_code(session, role_code)
    if not actor.reaches(USERS_MANAGE, team_id):
        raise PermissionDenied(
            "You manage roles only within the teams where you hold core.users.manage.",
            field="teamId",
        )
    missing = _unreached(actor, await role_codes(session, role.id), team_id)
    if missing:
        raise PermissionDenied(
            f"You do not hold {', '.join(missing)} where this role would apply.",
            field="roleCode",
        )
    return role


async def grant_role(
    session: AsyncSession, actor: Actor, *, user_id: int, role_code: str, team_id: int | None
) -> StaffUser:
    role = await _check_grant(session, actor, user_id, role_code, team_id)
    if user_id == user_id_of(actor):
        held = await session.scalar(
            select(UserRole.id).where(
                UserRole.user_id == user_id,
                UserRole.role_id == role.id,
                UserRole.team_id.is_(None) if team_id is None else UserRole.team_id == team_id,
            )
        )
        if held is None:
            raise PermissionDenied(
                "You cannot give yourself a role; ask another administrator.", field="userId"
            )
    return await users.grant_role(session, user_id=user_id, role_code=role_code, team_id=team_id)


async def revoke_role(
    session: AsyncSession, actor: Actor, *, user_id: int, role_code: str, team_id: int | None
) -> StaffUser:
    await _check_grant(session, actor, user_id, role_code, team_id)
    return await users.revoke_role(session, user_id=user_id, role_code=role_code, team_id=team_id)


def _check_role_change(actor: Actor, changed: Iterable[str], declared: set[str]) -> None:
    if not actor.reaches(ROLES_MANAGE, None):
        raise PermissionDenied("Roles are changed only with core.roles.manage council-wide.")
    # undeclared codes are left to users._check_permissions (VALIDATION) when added,
    # and grant nothing when removed
    missing = _unreached(actor, set(changed) & declared, None)
    if missing:
        raise PermissionDenied(
            f"You can only add or remove permissions you hold council-wide "
            f"(not {', '.join(missing)}).",
            field="permissions",
        )


async def create_role(
    session: AsyncSession, actor: Actor, fields: users.RoleFields, declared: set[str]
) -> Role:
    if fields.code == ADMIN_ROLE:
        raise PermissionDenied(
            "The admin role is made only by `pdms users create-admin`.", field="code"
        )
    _check_role_change(actor, fields.permissions, declared)
    return await users.create_role(session, fields, declared)


async def set_role_permissions(
    session: AsyncSession,
    actor: Actor,
    role_id: int,
    expected_version: int,
    codes: list[str],
    declared: set[str],
) -> Role:
    if await session.get(Role, role_id) is None:
        raise NotFound("There is no such role.", field="id")
    _check_role_change(actor, set(codes) ^ await role_codes(session, role_id), declared)
    return await users.set_role_permissions(session, role_id, expected_version, codes, declared)


async def check_manages(session: AsyncSession, actor: Actor, user_id: int) -> None:
    """Refuse editing a user who holds anything ``actor`` does not hold as widely."""
    grants = user_grants()
    rows = await session.execute(
        select(grants.c.permission, grants.c.team_id).where(grants.c.user_id == user_id)
    )
    target = actor_for_user(user_id, "", rows.all())
    wider = [code for code, team in _pairs(target) if not actor.reaches(code, team)]
    if wider:
        raise PermissionDenied(
            "You can only change staff users whose permissions you hold as widely.", field="id"
        )


def _pairs(actor: Actor) -> set[tuple[str, int | None]]:
    everywhere = actor.global_permissions or frozenset()
    return {(code, None) for code in everywhere} | set(actor.team_grants)
