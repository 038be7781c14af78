"""A council for the type-read tests, and a client of the same app under the stock executor.

The row-level world (``case_world.py``: North, South and a team-less case, each with a
person, a place, a demand, an activity, an intention and a system condition), plus an
officer in North who owns North's case, its activity and its intention.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from pdms_core.activities.models import Activity
from pdms_core.app import create_app
from pdms_core.auth.models import StaffUser, TeamMembership
from pdms_core.cases.models import CaseRecord
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.host import PluginHost
from pdms_core.intentions.models import Intention
from pdms_core.testing.client import GraphQLClient
from security.case_world import build_world

OFFICER_EMAIL = "olive.officer@council.invalid"


async def guarded_world(graphql: Any, database: Any) -> dict[str, str]:
    """Global IDs of North's records, its officer and team, the person and the place."""
    world = await build_world(graphql, database)
    north = world.cases["north"]
    async with unit_of_work(database.sessionmaker) as session:
        officer = StaffUser(
            email=OFFICER_EMAIL, email_key=OFFICER_EMAIL, display_name="Olive Officer"
        )
        session.add(officer)
        await session.flush()
        session.add(TeamMembership(team_id=world.team_id("north"), user_id=officer.id))
        for model, record in (
            (CaseRecord, decode_id(north.case, "Case")),
            (Activity, decode_id(north.activity, "Activity")),
            (Intention, decode_id(north.intention, "Intention")),
        ):
            await session.execute(
                update(model).where(model.id == record).values(officer_id=officer.id)
            )
    return {
        "case": north.case,
        "demand": north.demand,
        "activity": north.activity,
        "intention": north.intention,
        "person": world.person,
        "place": world.place,
        "team": world.teams["north"],
        "officer": global_id("StaffUser", officer.id),
    }


def unplanned_client(host: PluginHost, database: Any, actors: Any) -> GraphQLClient:
    """A client of an app where strawberry and graphql-core run every field
    (``PDMS_EXECUTOR=stock``: no planned completion, no direct resolvers)."""
    settings = host.settings.with_changes(executor="stock")
    unplanned = PluginHost(settings, host.plugins, host.installed, host.pm)
    return GraphQLClient(create_app(host=unplanned, database=database), actors)
