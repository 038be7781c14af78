"""GraphQL types for staff users, teams, roles, sessions and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.auth.actor import ActorKind
from pdms_core.auth.loaders import PermissionsByRoleLoader, RoleGrantsByUserLoader
from pdms_core.auth.models import ApiKey, Role, StaffUser, Team
from pdms_core.graphql.node import ModelNode, global_id, load_row, lookup_value
from pdms_core.lookups.graphql import LookupValueNode

STAFF_READ = "core.staff.read"
USERS_MANAGE = "core.users.manage"
ROLES_MANAGE = "core.roles.manage"
TEAMS_MANAGE = "core.teams.manage"
API_KEYS_MANAGE = "core.apikeys.manage"


@strawberry.type(name="StaffUser", description="A council officer or administrator.")
class StaffUserNode(ModelNode):
    model = StaffUser
    read_permission = STAFF_READ

    @classmethod
    def readable_without_permission(cls, row: Any, context: Any) -> bool:
        # Everyone sees their own account (``viewer``, and ``login``'s payload for the
        # user who just signed in); anyone else's needs core.staff.read. Case records
        # name officers through StaffMember (auth/staff_view.py) instead.
        own = context.actor.id == f"user:{row.id}" and context.actor.kind is ActorKind.USER
        return own or context.audit.signed_in_user_id() == str(row.id)

    id: relay.NodeID[int]
    display_name: str = strawberry.field(description="The name colleagues know them by.")
    is_active: bool = strawberry.field(description="False once deactivated.")
    email: str = strawberry.field(description="Work email address; they sign in with it.")
    username: str | None = strawberry.field(
        description="Their username, if they have one: they may sign in with it too."
    )
    version: int = strawberry.field(
        description="Optimistic-lock version; send it back as `expectedVersion` when editing."
    )

    @strawberry.field(description="The roles the user holds, council-wide or per team.")
    async def roles(self, info: Info) -> list[RoleGrant]:
        return await info.context.loaders.get(RoleGrantsByUserLoader).load(self.id)


@strawberry.type(name="Team", description="A team that owns cases and receives work.")
class TeamNode(ModelNode):
    model = Team
    read_permission = STAFF_READ

    id: relay.NodeID[int]
    module: str = strawberry.field(
        description="The module the team works in; `core` if council-wide."
    )
    code: str = strawberry.field(description="Short code, unique within the module.")
    name: str = strawberry.field(description="The team's name.")
    is_active: bool = strawberry.field(description="False once the team is wound up.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="Kind of team (configurable per module).")
    def type(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.type_id)


@strawberry.type(name="Role", description="A configurable set of permissions given to users.")
class RoleNode(ModelNode):
    model = Role
    read_permission = STAFF_READ

    id: relay.NodeID[int]
    code: str = strawberry.field(description="Unique short code, e.g. `caseworker`.")
    name: str = strawberry.field(description="The role's name.")
    description: str = strawberry.field(description="What the role is for.")
    is_active: bool = strawberry.field(description="Inactive roles grant nothing.")
    version: int = strawberry.field(description="Optimistic-lock version.")

    @strawberry.field(description="The permission codes the role grants.")
    async def permissions(self, info: Info) -> list[str]:
        return await info.context.loaders.get(PermissionsByRoleLoader).load(self.id)


@strawberry.type(description="A role held by a user, everywhere or within one team.")
class RoleGrant:
    @strawberry.field(description="The role.")
    async def role(self, info: Info) -> RoleNode:
        return await load_row(info, Role, self.role_id)

    @strawberry.field(description="The team the role is limited to; null: council-wide.")
    async def team(self, info: Info) -> TeamNode | None:
        return await load_row(info, Team, self.team_id)


@strawberry.type(name="Permission", description="A permission a module declares.")
class PermissionType:
    code: str = strawberry.field(description="`<module>.<resource>.<action>`.")
    description: str = strawberry.field(description="What it allows.")


@strawberry.type(name="StaffSession", description="One of your signed-in sessions.")
class StaffSessionType:
    @strawberry.field(description="Global ID, for revokeMySession.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("StaffSession", self.id))

    created_at: datetime = strawberry.field(description="When you signed in.")
    last_seen_at: datetime = strawberry.field(description="Last activity (to the minute).")
    expires_at: datetime = strawberry.field(description="Absolute expiry.")
    persistent: bool = strawberry.field(description="Signed in with 'keep me signed in'.")
    ip: str | None = strawberry.field(description="Address it signed in from.")
    user_agent: str | None = strawberry.field(description="Browser or client it signed in with.")

    @strawberry.field(description="True for the session making this request.")
    def current(self, info: Info) -> bool:
        return info.context.session_id == self.id


@strawberry.type(name="ApiKey", description="A partner agency's API key (never its secret).")
class ApiKeyNode(ModelNode):
    model = ApiKey
    read_permission = API_KEYS_MANAGE

    id: relay.NodeID[int]
    prefix: str = strawberry.field(description="Visible start of the key, to tell keys apart.")
    name: str = strawberry.field(description="What the key is for.")
    read_only: bool = strawberry.field(description="True: no mutations, only *.read scopes.")
    rate_limit_per_minute: int = strawberry.field(description="Requests allowed per minute.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(description="Who created it (actor id).")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    last_used_at: datetime | None = strawberry.field(description="Last use (to the minute).")

    @strawberry.field(description="The permissions the key may use: its data-sharing scope.")
    def permissions(self) -> list[str]:
        return self.permissions.split()

    @strawberry.field(description="The partner agency (configurable list).")
    def agency(self, info: Info) -> LookupValueNode | None:
        return lookup_value(info, self.agency_id)
