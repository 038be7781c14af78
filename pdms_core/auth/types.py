"""GraphQL types for staff users and teams, as other records (cases, intentions) show them."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from pdms_core.auth.models import StaffUser, Team
from pdms_core.graphql.node import ModelNode, load_row
from pdms_core.lookups.graphql import LookupValueNode
from pdms_core.lookups.models import LookupValue

STAFF_READ = "core.staff.read"


@strawberry.type(name="StaffUser", description="A council officer or administrator.")
class StaffUserNode(ModelNode):
    model = StaffUser
    read_permission = STAFF_READ

    id: relay.NodeID[int]
    display_name: str = strawberry.field(description="The name colleagues know them by.")
    is_active: bool = strawberry.field(description="False once deactivated.")


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

    @strawberry.field(description="Kind of team (configurable per module).")
    async def type(self, info: Info) -> LookupValueNode | None:
        return await load_row(info, LookupValue, self.type_id)
