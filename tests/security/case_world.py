"""A small council with two teams' cases, built through GraphQL, for the row-level tests.

North and South each own one case; a third case has no team. Every case has the same
person and place, a breached demand, an activity with the person, and an overdue
intention; North's case is linked to South's, and one system condition held up all
three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from problems.problem_steps import (
    ADD_INTENTION,
    LINK_CASES,
    LINK_CONDITION,
    RAISE_CONDITION,
    RECORD_ACTIVITY,
    SET_STANDARD,
    add_demand,
    given_person,
    given_place,
    given_team,
    ok_payload,
    open_case,
)

from pdms_core.auth.actor import Actor
from pdms_core.graphql.node import decode_id
from pdms_core.testing.actors import staff
from pdms_core.today import today

BUILDER: Actor = staff(
    "core.cases.read",
    "core.cases.write",
    "core.people.read",
    "core.people.write",
    "core.places.read",
    "core.standards.manage",
    "core.conditions.read",
    "core.conditions.write",
    name="World Builder",
)
OWNERS = ("north", "south", None)
VISIT = {"categoryCode": "visit", "taskCode": "home_visit", "minutes": 30}


@dataclass
class CaseRecords:
    """Global IDs of one case and of the records under it."""

    case: str
    reference: str
    demand: str
    activity: str
    intention: str
    version: int
    intention_version: int


@dataclass
class World:
    teams: dict[str, str]  # name -> Team global ID
    person: str
    place: str
    cases: dict[str | None, CaseRecords] = field(default_factory=dict)

    def team_id(self, name: str) -> int:
        return decode_id(self.teams[name], "Team")


async def build_world(graphql: Any, database: Any) -> World:
    builder = graphql.as_actor(BUILDER)
    teams = {name: await given_team(database, name.title()) for name in ("north", "south")}
    person = await given_person(builder, "Morgan", "Rowfield")
    place = await given_place(database, 990001, postcode="ZZ1 1ZZ")
    ok_payload(
        await builder.execute(
            SET_STANDARD,
            {"i": {"kind": "DEMAND_TYPE", "code": "repairs", "targetDays": 5, "warningDays": 3}},
        ),
        "setServiceStandard",
    )
    world = World(teams=teams, person=person, place=place)
    long_ago = (today() - timedelta(days=60)).isoformat()
    overdue = (today() - timedelta(days=10)).isoformat()
    for owner in OWNERS:
        given = {
            "openedOn": long_ago,
            "summary": f"Leaking roof ({owner or 'no team'})",
            "parties": [{"personId": person, "roleCode": "subject"}],
            "placeIds": [place],
        }
        if owner is not None:
            given["teamId"] = teams[owner]
        case = await open_case(builder, **given)
        demand = await add_demand(
            builder, case, 1, typeCode="repairs", nature="VALUE", receivedOn=long_ago
        )
        activity = ok_payload(
            await builder.execute(
                RECORD_ACTIVITY,
                {
                    "i": {
                        "caseId": case["id"],
                        "expectedVersion": 2,
                        "occurredAt": f"{long_ago}T10:00:00+00:00",
                        "personIds": [person],
                        "notes": "Visit",
                        "tasks": [VISIT],
                    }
                },
            ),
            "recordActivity",
        )["activity"]
        intention = ok_payload(
            await builder.execute(
                ADD_INTENTION,
                {
                    "i": {
                        "caseId": case["id"],
                        "typeCode": "call_back",
                        "intention": {
                            "description": f"Call back ({owner})",
                            "dueOn": overdue,
                            "teamId": teams[owner or "north"],
                        },
                    }
                },
            ),
            "addIntention",
        )["intention"]
        world.cases[owner] = CaseRecords(
            case=case["id"],
            reference=case["reference"],
            demand=demand["id"],
            activity=activity["id"],
            intention=intention["id"],
            version=3,
            intention_version=intention["version"],
        )
    north = world.cases["north"]
    ok_payload(
        await builder.execute(
            LINK_CASES,
            {
                "i": {
                    "caseId": north.case,
                    "expectedVersion": north.version,
                    "relatedCaseId": world.cases["south"].case,
                }
            },
        ),
        "linkCases",
    )
    north.version += 1
    condition = ok_payload(
        await builder.execute(RAISE_CONDITION, {"i": {"typeCode": "awaiting_benefit_decision"}}),
        "raiseSystemCondition",
    )["systemCondition"]
    for version, records in enumerate(world.cases.values(), start=condition["version"]):
        link = {"id": condition["id"], "expectedVersion": version, "caseId": records.case}
        ok_payload(await builder.execute(LINK_CONDITION, {"i": link}), "linkSystemCondition")
    return world
