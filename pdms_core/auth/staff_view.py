"""The public face of staff: who an officer is on a case, without their account.

A case, an activity or an intention names the officer and team it belongs to, and
everyone who may read the case must see those names. The full staff types
(``StaffUser`` with email and roles, ``Team``, ``Role``) hold account and
organisation data behind ``core.staff.read``, and that rule holds on every path to
them (``graphql/type_guards.py``). So case-side records show these narrower types
instead: a name, and the global ID the assignment mutations take.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from pdms_core.auth.models import Team, TeamMembership
from pdms_core.db.loaders import ChildrenLoader, joined_row
from pdms_core.graphql.node import global_id
from pdms_core.graphql.prefetch import prefetchable


class TeamsByMemberLoader(ChildrenLoader):
    """A user's team memberships, each with its team joined: one statement."""

    model, key = TeamMembership, "user_id"
    joins = {"team": (Team, "team_id")}


@strawberry.type(
    description="A team as case records show it: its name. The full record is `Team` "
    "(needs core.staff.read)."
)
class TeamSummary:
    @strawberry.field(description="The team's global ID (a `Team` ID), e.g. for assignCase.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Team", self.id))

    code: str = strawberry.field(description="Short code, unique within the module.")
    name: str = strawberry.field(description="The team's name.")


@strawberry.type(
    description="A staff member as case records show them: their name and teams. The "
    "full record is `StaffUser` (email, roles; needs core.staff.read)."
)
class StaffMember:
    @strawberry.field(description="The user's global ID (a `StaffUser` ID), e.g. for assignCase.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("StaffUser", self.id))

    display_name: str = strawberry.field(description="The name colleagues know them by.")

    @strawberry.field(description="The active teams they are a member of.")
    @prefetchable
    async def teams(self, info: Info) -> list[TeamSummary]:
        loader = info.context.loaders.get(TeamsByMemberLoader, joined=("team",))
        teams = (joined_row(membership, "team")[1] for membership in await loader.load(self.id))
        return [team for team in teams if team is not None and team.is_active]
