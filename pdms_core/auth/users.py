"""Administering staff users, roles and teams.

Services take a session and an actor; the GraphQL layer has already checked the
declared permission, and row-level rules (team-scoped grants) apply in the queries.
Granting roles and editing roles or users here is unchecked, for the system (CLI,
importers, tests' setup): the API goes through ``auth/delegation.py`` first, which
refuses handing out more than the caller holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from pdms_core.auth.actor import SYSTEM, Actor
from pdms_core.auth.changes import AUTH_SCOPES, user_scope
from pdms_core.auth.models import Role, RolePermission, StaffUser, Team, TeamMembership, UserRole
from pdms_core.auth.passwords import check_policy, hash_for_admin
from pdms_core.auth.sessions import email_key, revoke_all_sessions
from pdms_core.cases.lookups import TEAM_TYPE
from pdms_core.db.unit_of_work import expect_version
from pdms_core.errors import Duplicate, NotFound, ValidationFailed
from pdms_core.lookups.services import active_value
from pdms_core.people.validation import email_address

STAFF_READ = "core.staff.read"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
#: No "@": sign-in tells a username from an email address by it (auth/sessions.py).
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def clean_email(email: str) -> str:
    # Checked by email-validator (syntax, no DNS) but kept as typed: sign-in matches on
    # email_key, and the address is shown to its owner the way they wrote it.
    text = email.strip()
    email_address(text, "email")
    return text


def clean_username(username: str) -> str:
    """A username as stored: lower-cased, 3 to 64 letters, digits, ``.``, ``_``, ``-``."""
    text = username.strip().lower()
    if not _USERNAME.match(text):
        raise ValidationFailed(
            "Use 3 to 64 letters, digits, dots, hyphens or underscores, starting with a "
            "letter or digit.",
            field="username",
        )
    return text


async def _check_username_free(session: AsyncSession, username: str, user_id: int | None) -> None:
    taken = await session.scalar(select(StaffUser.id).where(StaffUser.username == username))
    if taken is not None and taken != user_id:
        raise Duplicate("Another staff user has this username.", field="username")


def clean_name(name: str, field: str = "displayName", limit: int = 200) -> str:
    text = " ".join(name.split())
    if not text or len(text) > limit:
        raise ValidationFailed(f"Enter between 1 and {limit} characters.", field=field)
    return text


async def get_user(session: AsyncSession, user_id: int) -> StaffUser:
    user = await session.get(StaffUser, user_id, populate_existing=True)
    if user is None:
        raise NotFound("There is no such staff user.", field="id")
    return user


async def _check_email_free(session: AsyncSession, email: str, user_id: int | None) -> None:
    taken = await session.scalar(
        select(StaffUser.id).where(StaffUser.email_key == email_key(email))
    )
    if taken is not None and taken != user_id:
        raise Duplicate("Another staff user has this email address.", field="email")


async def create_user(
    session: AsyncSession,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    password: str | None = None,
    username: str | None = None,
) -> StaffUser:
    """A new staff user; without a password they must be invited to choose one."""
    email = clean_email(email)
    display_name = clean_name(display_name)
    await _check_email_free(session, email, None)
    user = StaffUser(email=email, email_key=email_key(email), display_name=display_name)
    if username:
        user.username = clean_username(username)
        await _check_username_free(session, user.username, None)
    if password is not None:
        check_policy(password)
        user.password_hash = await hash_for_admin(password)
    session.add(user)
    await session.flush()
    return user


async def update_user(
    session: AsyncSession,
    actor: Actor,
    *,
    user_id: int,
    expected_version: int,
    email: str | None = None,
    display_name: str | None = None,
    is_active: bool | None = None,
    username: str | None = None,
) -> StaffUser:
    """Edit a user; deactivating one ends their sessions at once. An empty
    ``username`` removes it."""
    user = await get_user(session, user_id)
    expect_version(user, expected_version)
    if username is not None:
        cleaned = clean_username(username) if username.strip() else None
        if cleaned is not None:
            await _check_username_free(session, cleaned, user.id)
        user.username = cleaned
    if email is not None:
        email = clean_email(email)
        await _check_email_free(session, email, user.id)
        user.email, user.email_key = email, email_key(email)
    if display_name is not None:
        user.display_name = clean_name(display_name)
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            await revoke_all_sessions(session, user.id)
    await session.flush()
    return user


def visible_users(actor: Actor) -> Select[tuple[StaffUser]]:
    """Row-level rule: a team-scoped staff reader sees only members of their teams."""
    statement = select(StaffUser)
    teams = actor.teams_for(STAFF_READ)
    if teams is not None:
        members = select(TeamMembership.user_id).where(TeamMembership.team_id.in_(teams))
        statement = statement.where(StaffUser.id.in_(members))
    return statement


@dataclass
class RoleFields:
    code: str
    name: str
    description: str
    permissions: list[str]


def _check_permissions(codes: Iterable[str], declared: set[str]) -> list[str]:
    wanted = sorted(set(codes))
    unknown = [code for code in wanted if code not in declared]
    if unknown:
        raise ValidationFailed(
            f"No enabled module declares {', '.join(unknown)}.", field="permissions"
        )
    return wanted


async def create_role(session: AsyncSession, fields: RoleFields, declared: set[str]) -> Role:
    if not _CODE.match(fields.code):
        raise ValidationFailed("Use lower-case letters, digits and _.", field="code")
    if await session.scalar(select(Role.id).where(Role.code == fields.code)) is not None:
        raise Duplicate("A role with this code exists.", field="code")
    role = Role(
        code=fields.code,
        name=clean_name(fields.name, "name"),
        description=fields.description.strip(),
    )
    session.add(role)
    await session.flush()
    for code in _check_permissions(fields.permissions, declared):
        session.add(RolePermission(role_id=role.id, permission=code))
    await session.flush()
    return role


async def set_role_permissions(
    session: AsyncSession, role_id: int, expected_version: int, codes: list[str], declared: set[str]
) -> Role:
    role = await session.get(Role, role_id, populate_existing=True)
    if role is None:
        raise NotFound("There is no such role.", field="id")
    expect_version(role, expected_version)
    wanted = _check_permissions(codes, declared)
    await session.execute(delete(RolePermission).where(RolePermission.role_id == role.id))
    for code in wanted:
        session.add(RolePermission(role_id=role.id, permission=code))
    flag_modified(role, "name")  # the permission set is part of the role: bump its version
    await session.flush()
    return role


async def role_by_code(session: AsyncSession, code: str) -> Role:
    role = await session.scalar(select(Role).where(Role.code == code))
    if role is None:
        raise NotFound("There is no such role.", field="roleCode")
    return role


async def grant_role(
    session: AsyncSession, *, user_id: int, role_code: str, team_id: int | None
) -> StaffUser:
    """Give a user a role, council-wide or within one team (idempotent)."""
    user = await get_user(session, user_id)
    role = await role_by_code(session, role_code)
    if team_id is not None and await session.get(Team, team_id) is None:
        raise NotFound("There is no such team.", field="teamId")
    existing = await session.scalar(
        select(UserRole.id).where(
            UserRole.user_id == user.id,
            UserRole.role_id == role.id,
            UserRole.team_id.is_(None) if team_id is None else UserRole.team_id == team_id,
        )
    )
    if existing is None:
        session.add(UserRole(user_id=user.id, role_id=role.id, team_id=team_id))
        await session.flush()
    return user


async def revoke_role(
    session: AsyncSession, *, user_id: int, role_code: str, team_id: int | None
) -> StaffUser:
    user = await get_user(session, user_id)
    role = await role_by_code(session, role_code)
    await session.execute(
        delete(UserRole)
        .where(
            UserRole.user_id == user.id,
            UserRole.role_id == role.id,
            UserRole.team_id.is_(None) if team_id is None else UserRole.team_id == team_id,
        )
        .execution_options(**{AUTH_SCOPES: (user_scope(user.id),)})
    )
    return user


async def create_team(
    session: AsyncSession,
    *,
    module: str,
    code: str,
    name: str,
    type_code: str | None,
    email: str | None,
    modules: set[str],
) -> Team:
    """A team in an enabled module (``core`` for council-wide teams)."""
    if module not in modules:
        raise ValidationFailed("No enabled module has this name.", field="module")
    if not _CODE.match(code):
        raise ValidationFailed("Use lower-case letters, digits and _.", field="code")
    taken = await session.scalar(select(Team.id).where(Team.module == module, Team.code == code))
    if taken is not None:
        raise Duplicate("The module already has a team with this code.", field="code")
    type_id = None
    if type_code is not None:
        type_id = (await active_value(session, TEAM_TYPE, type_code, field="typeCode")).id
    team = Team(
        module=module,
        code=code,
        name=clean_name(name, "name"),
        type_id=type_id,
        email=clean_email(email) if email else None,
    )
    session.add(team)
    await session.flush()
    return team


async def update_team(
    session: AsyncSession,
    *,
    team_id: int,
    expected_version: int,
    name: str | None,
    is_active: bool | None,
) -> Team:
    team = await session.get(Team, team_id, populate_existing=True)
    if team is None:
        raise NotFound("There is no such team.", field="id")
    expect_version(team, expected_version)
    if name is not None:
        team.name = clean_name(name, "name")
    if is_active is not None:
        team.is_active = is_active
    await session.flush()
    return team


async def set_membership(
    session: AsyncSession, *, team_id: int, user_id: int, member: bool
) -> Team:
    team = await session.get(Team, team_id)
    if team is None:
        raise NotFound("There is no such team.", field="teamId")
    await get_user(session, user_id)
    existing = await session.scalar(
        select(TeamMembership).where(
            TeamMembership.team_id == team_id, TeamMembership.user_id == user_id
        )
    )
    if member and existing is None:
        session.add(TeamMembership(team_id=team_id, user_id=user_id))
    elif not member and existing is not None:
        await session.delete(existing)
    await session.flush()
    return team


async def create_admin(
    session: AsyncSession, *, email: str, display_name: str, password: str, permissions: set[str]
) -> StaffUser:
    """Bootstrap: an ``admin`` role with every declared permission, and a user holding it."""
    role = await session.scalar(select(Role).where(Role.code == "admin"))
    if role is None:
        role = await create_role(
            session,
            RoleFields("admin", "Administrator", "Every permission.", sorted(permissions)),
            permissions,
        )
    else:
        have = set(
            await session.scalars(
                select(RolePermission.permission).where(RolePermission.role_id == role.id)
            )
        )
        for code in sorted(permissions - have):
            session.add(RolePermission(role_id=role.id, permission=code))
    user = await session.scalar(select(StaffUser).where(StaffUser.email_key == email_key(email)))
    if user is None:
        user = await create_user(
            session, SYSTEM, email=email, display_name=display_name, password=password
        )
    else:
        check_policy(password)
        user.password_hash = await hash_for_admin(password)
        user.is_active = True
    await grant_role(session, user_id=user.id, role_code="admin", team_id=None)
    return user
