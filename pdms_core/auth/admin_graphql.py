"""Administering staff users, roles, teams and partner API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from pdms_core.auth import apikeys, delegation, users
from pdms_core.auth.models import ApiKey, Role, StaffUser, Team
from pdms_core.auth.reset import queue_invitation
from pdms_core.auth.types import (
    API_KEYS_MANAGE,
    ROLES_MANAGE,
    STAFF_READ,
    TEAMS_MANAGE,
    USERS_MANAGE,
    ApiKeyNode,
    PermissionType,
    RoleNode,
    StaffUserNode,
    TeamNode,
)
from pdms_core.graphql.arguments import After, First, described
from pdms_core.graphql.errors import UserErrorType, run_mutation
from pdms_core.graphql.node import decode_id
from pdms_core.graphql.pagination import Connection, keyset_page
from pdms_core.graphql.payloads import payload_type
from pdms_core.graphql.permissions import mutation_field, query_field

U = strawberry.UNSET


StaffUserPayload = payload_type(
    "StaffUserPayload",
    "user",
    StaffUserNode,
    description="Result of changing a staff user.",
)


RolePayload = payload_type(
    "RolePayload",
    "role",
    RoleNode,
    description="Result of changing a role.",
)


TeamPayload = payload_type(
    "TeamPayload",
    "team",
    TeamNode,
    description="Result of changing a team.",
)


@strawberry.type(description="Result of creating or revoking an API key.")
class ApiKeyPayload:
    api_key: ApiKeyNode | None = strawberry.field(description="The key (without its secret).")
    secret: str | None = strawberry.field(
        description="The whole key, shown only once, on creation: give it to the partner "
        "securely. Send it as `Authorization: Bearer <secret>`."
    )
    errors: list[UserErrorType] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="A new staff user.")
class CreateStaffUserInput:
    email: str = strawberry.field(description="Work email; unique whatever its case.")
    display_name: str = strawberry.field(description="The name colleagues know them by.")
    password: str | None = strawberry.field(
        default=None, description="Omit to email an invitation to choose a password."
    )
    username: str | None = strawberry.field(
        default=None,
        description="Optional sign-in name besides the email: 3 to 64 letters, digits, "
        "dots, hyphens or underscores; unique whatever its case.",
    )


@strawberry.input(description="Changes to a staff user; omitted fields stay as they are.")
class UpdateStaffUserInput:
    id: strawberry.ID = strawberry.field(description="The user's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")
    email: str | None = strawberry.field(default=U, description="New email address.")
    display_name: str | None = strawberry.field(default=U, description="New display name.")
    username: str | None = strawberry.field(
        default=U, description="New username; an empty string removes it."
    )
    is_active: bool | None = strawberry.field(
        default=U, description="false deactivates the user and ends their sessions."
    )


@strawberry.input(description="A role given to (or taken from) a user.")
class RoleGrantInput:
    user_id: strawberry.ID = strawberry.field(description="The user's global ID.")
    role_code: str = strawberry.field(description="The role's code.")
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Limit the role to this team; omit for council-wide."
    )


@strawberry.input(description="A new role.")
class CreateRoleInput:
    code: str = strawberry.field(description="Unique code: lower-case letters, digits, _.")
    name: str = strawberry.field(description="The role's name.")
    description: str = strawberry.field(default="", description="What the role is for.")
    permissions: list[str] = strawberry.field(description="Declared permission codes.")


@strawberry.input(description="A role's new set of permissions.")
class SetRolePermissionsInput:
    id: strawberry.ID = strawberry.field(description="The role's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")
    permissions: list[str] = strawberry.field(description="Declared permission codes.")


@strawberry.input(description="A new team.")
class CreateTeamInput:
    module: str = strawberry.field(description="An enabled module's name, or `core`.")
    code: str = strawberry.field(description="Unique within the module.")
    name: str = strawberry.field(description="The team's name.")
    type_code: str | None = strawberry.field(default=None, description="A team_type code.")
    email: str | None = strawberry.field(default=None, description="Shared inbox.")


@strawberry.input(description="Changes to a team; omitted fields stay as they are.")
class UpdateTeamInput:
    id: strawberry.ID = strawberry.field(description="The team's global ID.")
    expected_version: int = strawberry.field(description="The version you read.")
    name: str | None = strawberry.field(default=None, description="New name.")
    is_active: bool | None = strawberry.field(default=None, description="false winds it up.")


@strawberry.input(description="Adding a user to a team or removing them.")
class TeamMembershipInput:
    team_id: strawberry.ID = strawberry.field(description="The team's global ID.")
    user_id: strawberry.ID = strawberry.field(description="The user's global ID.")
    member: bool = strawberry.field(description="true adds, false removes.")


@strawberry.input(description="A new partner API key.")
class CreateApiKeyInput:
    name: str = strawberry.field(description="What the key is for.")
    agency_code: str = strawberry.field(description="A partner_agency code.")
    permissions: list[str] = strawberry.field(
        description="The permission codes the key may use (its data-sharing scope)."
    )
    read_only: bool = strawberry.field(default=True, description="No mutations at all.")
    expires_at: datetime | None = strawberry.field(default=None, description="Expiry.")
    rate_limit_per_minute: int = strawberry.field(default=60, description="Requests/minute.")


def _declared(info: Info) -> set[str]:
    return {p.code for p in info.context.host.permissions}


async def _user_payload(info: Info, action) -> StaffUserPayload:  # type: ignore[no-untyped-def]
    user, errors = await run_mutation(info, action)
    return StaffUserPayload(user=user, errors=errors)


def _optional(value: object) -> object:
    return None if value is U else value


@strawberry.type
class AdminQuery:
    @query_field(
        description="Staff users, by id. Team-scoped readers see their teams' members.",
        permission=STAFF_READ,
    )
    async def staff_users(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[StaffUserNode]:
        statement = users.visible_users(info.context.actor)
        async with info.context.session() as session:
            page = await keyset_page(session, statement, [StaffUser.id], first=first, after=after)
        return page.connection()

    @query_field(description="Teams, by module and code.", permission=STAFF_READ)
    async def teams(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[TeamNode]:
        async with info.context.session() as session:
            page = await keyset_page(session, select(Team), [Team.id], first=first, after=after)
        return page.connection()

    @query_field(description="Roles and the permissions they grant.", permission=STAFF_READ)
    async def roles(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[RoleNode]:
        async with info.context.session() as session:
            page = await keyset_page(session, select(Role), [Role.id], first=first, after=after)
        return page.connection()

    @query_field(
        description="Every permission the enabled modules declare.", permission=ROLES_MANAGE
    )
    def permissions(self, info: Info) -> list[PermissionType]:
        return [
            PermissionType(code=p.code, description=p.description)
            for p in info.context.host.permissions
        ]

    @query_field(description="Partner API keys, newest last.", permission=API_KEYS_MANAGE)
    async def api_keys(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ApiKeyNode]:
        async with info.context.session() as session:
            page = await keyset_page(session, select(ApiKey), [ApiKey.id], first=first, after=after)
        return page.connection()


@strawberry.type
class AdminMutation:
    @mutation_field(
        description="Create a staff user; without a password they get an emailed invitation.",
        permission=USERS_MANAGE,
    )
    async def create_staff_user(
        self, info: Info, input: Annotated[CreateStaffUserInput, described("The new user.")]
    ) -> StaffUserPayload:
        context = info.context

        async def action(session):  # type: ignore[no-untyped-def]
            user = await users.create_user(
                session,
                context.actor,
                email=input.email,
                display_name=input.display_name,
                password=input.password,
                username=input.username,
            )
            if input.password is None:
                await queue_invitation(session, context.settings, user)
            return user

        return await _user_payload(info, action)

    @mutation_field(
        description="Edit or deactivate a staff user (deactivation ends their sessions).",
        permission=USERS_MANAGE,
    )
    async def update_staff_user(
        self, info: Info, input: Annotated[UpdateStaffUserInput, described("The changes.")]
    ) -> StaffUserPayload:
        actor = info.context.actor

        async def action(session):  # type: ignore[no-untyped-def]
            user_id = decode_id(input.id, "StaffUser")
            await delegation.check_manages(session, actor, user_id)
            return await users.update_user(
                session,
                actor,
                user_id=user_id,
                expected_version=input.expected_version,
                email=_optional(input.email),
                display_name=_optional(input.display_name),
                is_active=_optional(input.is_active),
                username=_optional(input.username),
            )

        return await _user_payload(info, action)

    @mutation_field(description="Give a user a role.", permission=USERS_MANAGE)
    async def grant_role(
        self, info: Info, input: Annotated[RoleGrantInput, described("Who, which role, where.")]
    ) -> StaffUserPayload:
        actor = info.context.actor
        return await _user_payload(info, lambda s: delegation.grant_role(s, actor, **_grant(input)))

    @mutation_field(description="Take a role from a user.", permission=USERS_MANAGE)
    async def revoke_role(
        self, info: Info, input: Annotated[RoleGrantInput, described("Who, which role, where.")]
    ) -> StaffUserPayload:
        actor = info.context.actor
        return await _user_payload(
            info, lambda s: delegation.revoke_role(s, actor, **_grant(input))
        )

    @mutation_field(description="Create a role.", permission=ROLES_MANAGE)
    async def create_role(
        self, info: Info, input: Annotated[CreateRoleInput, described("The new role.")]
    ) -> RolePayload:
        fields = users.RoleFields(input.code, input.name, input.description, input.permissions)
        role, errors = await run_mutation(
            info,
            lambda s: delegation.create_role(s, info.context.actor, fields, _declared(info)),
        )
        return RolePayload(role=role, errors=errors)

    @mutation_field(description="Replace the permissions a role grants.", permission=ROLES_MANAGE)
    async def set_role_permissions(
        self, info: Info, input: Annotated[SetRolePermissionsInput, described("The role.")]
    ) -> RolePayload:
        role, errors = await run_mutation(
            info,
            lambda s: delegation.set_role_permissions(
                s,
                info.context.actor,
                decode_id(input.id, "Role"),
                input.expected_version,
                input.permissions,
                _declared(info),
            ),
        )
        return RolePayload(role=role, errors=errors)

    @mutation_field(description="Create a team in a module.", permission=TEAMS_MANAGE)
    async def create_team(
        self, info: Info, input: Annotated[CreateTeamInput, described("The new team.")]
    ) -> TeamPayload:
        modules = {p.name for p in info.context.host.plugins}
        team, errors = await run_mutation(
            info,
            lambda s: users.create_team(
                s,
                module=input.module,
                code=input.code,
                name=input.name,
                type_code=input.type_code,
                email=input.email,
                modules=modules,
            ),
        )
        return TeamPayload(team=team, errors=errors)

    @mutation_field(description="Rename or wind up a team.", permission=TEAMS_MANAGE)
    async def update_team(
        self, info: Info, input: Annotated[UpdateTeamInput, described("The changes.")]
    ) -> TeamPayload:
        team, errors = await run_mutation(
            info,
            lambda s: users.update_team(
                s,
                team_id=decode_id(input.id, "Team"),
                expected_version=input.expected_version,
                name=input.name,
                is_active=input.is_active,
            ),
        )
        return TeamPayload(team=team, errors=errors)

    @mutation_field(description="Add a user to a team or remove them.", permission=TEAMS_MANAGE)
    async def set_team_membership(
        self, info: Info, input: Annotated[TeamMembershipInput, described("Team and user.")]
    ) -> TeamPayload:
        team, errors = await run_mutation(
            info,
            lambda s: users.set_membership(
                s,
                team_id=decode_id(input.team_id, "Team", field="teamId"),
                user_id=decode_id(input.user_id, "StaffUser", field="userId"),
                member=input.member,
            ),
        )
        return TeamPayload(team=team, errors=errors)

    @mutation_field(
        description="Create a partner API key; its secret is shown once.",
        permission=API_KEYS_MANAGE,
    )
    async def create_api_key(
        self, info: Info, input: Annotated[CreateApiKeyInput, described("The new key.")]
    ) -> ApiKeyPayload:
        created, errors = await run_mutation(
            info,
            lambda s: apikeys.create_api_key(
                s,
                info.context.actor,
                name=input.name,
                agency_code=input.agency_code,
                permissions=input.permissions,
                read_only=input.read_only,
                expires_at=input.expires_at,
                rate_limit_per_minute=input.rate_limit_per_minute,
                declared=_declared(info),
            ),
        )
        if created is None:
            return ApiKeyPayload(api_key=None, secret=None, errors=errors)
        return ApiKeyPayload(api_key=created.key, secret=created.secret, errors=[])

    @mutation_field(description="Revoke an API key at once.", permission=API_KEYS_MANAGE)
    async def revoke_api_key(
        self, info: Info, id: Annotated[strawberry.ID, described("The key's global ID.")]
    ) -> ApiKeyPayload:
        key, errors = await run_mutation(
            info, lambda s: apikeys.revoke_api_key(s, decode_id(id, "ApiKey"))
        )
        return ApiKeyPayload(api_key=key, secret=None, errors=errors)


def _grant(input: RoleGrantInput) -> dict[str, object]:
    return {
        "user_id": decode_id(input.user_id, "StaffUser", field="userId"),
        "role_code": input.role_code,
        "team_id": decode_id(input.team_id, "Team", field="teamId") if input.team_id else None,
    }
