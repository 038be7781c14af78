"""A small, fictional council whose every measure is known by hand.

Places (postcode, ward)          Cases (module, team, places)
  P1  AB1 2CD   E05000001          C1  MS-0001  core   north  P1
  P2  AB12 3EF  E05000002          C2  MS-0002  core   north  P2
  P3  B1 1AA    E05000003          C3  MS-0003  core   south  P3
                                   C4  MS-0004  dummy  south  P1, P3
                                   C5  MS-0005  core   -      -

Demands (P = presenting, U = underlying)
  D1  C1 P rent / payment_difficulty  value    2024-03-31 (Sun) -> 2024-04-10  10 days
  D2  C1 U debt                       value    2024-04-02       -> 2024-04-20  18 days
  D3  C2 P rent / progress_chasing    failure  2024-04-01 (Mon) -> 2024-04-03   2 days
  D4  C2 P rent                       failure  2024-04-07 (Sun) -> 2024-04-11   4 days
  D5  C3 P repairs                    value    2024-04-08 (Mon) -> 2024-04-30  22 days
  D6  C4 P rent / payment_difficulty  value    2024-12-31 (Tue) -> 2025-01-05   5 days
  D7  C5 P benefits / housing_benefit failure  2025-01-01 (Wed)  unresolved
  D8  C3 U bereavement                value    2024-04-08        unresolved
  D9  C4 U debt                       value    2024-12-31        unresolved
  D10 C1 U mental_health              value    2024-04-02        unresolved
Root causes: D1 -> D2, D1 -> D10, D6 -> D9, D5 -> D8.
Channels / strategic objectives of presenting demands (others: none recorded)
  D1 phone financial_resilience   D3 phone financial_resilience   D4 email  -
  D5 web   secure_homes           D6 phone financial_resilience   D7 -      healthy_lives

System conditions (type, module, raised; effects case:minutes)
  S1 no_access              core   2024-04-05  C1:30 C2:15
  S2 no_access              core   2024-04-20  C1:10
  S3 awaiting_other_agency  core   2024-05-01  C3:60
  S4 it_system_down         dummy  2024-12-31  C4:120
  S5 missing_information    core   2024-04-06  (none)

Activities (case, when in UTC; tasks category:minutes)
  A1 C1 2024-04-02 09:00  contact:10 assessment:45
  A2 C2 2024-04-30 23:30  contact:5
  A3 C3 2024-05-01 00:00  visit:60
  A4 C4 2024-12-31 12:00  contact:20 referral:15
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from pdms_core.activities.models import Activity, Task
from pdms_core.auth.models import Team
from pdms_core.cases.models import CasePlace, CaseRecord
from pdms_core.conditions.models import SystemCondition, SystemConditionEffect
from pdms_core.db.unit_of_work import unit_of_work
from pdms_core.demands.models import Demand, DemandCause
from pdms_core.lookups.models import LookupSet, LookupValue
from pdms_core.lookups.sync import sync_lookups
from pdms_core.places.models import Place


@dataclass
class Dataset:
    """Ids of what was created, by the names in the module docstring."""

    teams: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    demands: dict[str, int] = field(default_factory=dict)


PLACES = {
    "P1": ("AB1 2CD", "E05000001"),
    "P2": ("AB12 3EF", "E05000002"),
    "P3": ("B1 1AA", "E05000003"),
}
CASES = {
    "C1": ("core", "north", ["P1"]),
    "C2": ("core", "north", ["P2"]),
    "C3": ("core", "south", ["P3"]),
    "C4": ("dummy", "south", ["P1", "P3"]),
    "C5": ("core", None, []),
}
D = date
DEMANDS = {
    "D1": ("C1", True, "rent", "payment_difficulty", "value", D(2024, 3, 31), D(2024, 4, 10)),
    "D2": ("C1", False, "debt", None, "value", D(2024, 4, 2), D(2024, 4, 20)),
    "D3": ("C2", True, "rent", "progress_chasing", "failure", D(2024, 4, 1), D(2024, 4, 3)),
    "D4": ("C2", True, "rent", None, "failure", D(2024, 4, 7), D(2024, 4, 11)),
    "D5": ("C3", True, "repairs", None, "value", D(2024, 4, 8), D(2024, 4, 30)),
    "D6": ("C4", True, "rent", "payment_difficulty", "value", D(2024, 12, 31), D(2025, 1, 5)),
    "D7": ("C5", True, "benefits", "housing_benefit", "failure", D(2025, 1, 1), None),
    "D8": ("C3", False, "bereavement", None, "value", D(2024, 4, 8), None),
    "D9": ("C4", False, "debt", None, "value", D(2024, 12, 31), None),
    "D10": ("C1", False, "mental_health", None, "value", D(2024, 4, 2), None),
}
CHANNELS = {"D1": "phone", "D3": "phone", "D4": "email", "D5": "web", "D6": "phone"}
OBJECTIVES = {
    "D1": "financial_resilience",
    "D3": "financial_resilience",
    "D5": "secure_homes",
    "D6": "financial_resilience",
    "D7": "healthy_lives",
}
CAUSES = [("D1", "D2"), ("D1", "D10"), ("D6", "D9"), ("D5", "D8")]
CONDITIONS = [
    ("no_access", "core", D(2024, 4, 5), [("C1", 30), ("C2", 15)]),
    ("no_access", "core", D(2024, 4, 20), [("C1", 10)]),
    ("awaiting_other_agency", "core", D(2024, 5, 1), [("C3", 60)]),
    ("it_system_down", "dummy", D(2024, 12, 31), [("C4", 120)]),
    ("missing_information", "core", D(2024, 4, 6), []),
]
ACTIVITIES = [
    ("C1", datetime(2024, 4, 2, 9, 0, tzinfo=UTC), [("contact", 10), ("assessment", 45)]),
    ("C2", datetime(2024, 4, 30, 23, 30, tzinfo=UTC), [("contact", 5)]),
    ("C3", datetime(2024, 5, 1, 0, 0, tzinfo=UTC), [("visit", 60)]),
    ("C4", datetime(2024, 12, 31, 12, 0, tzinfo=UTC), [("contact", 20), ("referral", 15)]),
]


async def lookup_ids(session, set_code: str) -> dict[str, int]:
    rows = await session.execute(
        select(LookupValue.code, LookupValue.id)
        .join(LookupSet, LookupSet.id == LookupValue.set_id)
        .where(LookupSet.code == set_code)
    )
    return dict(rows.all())


async def build(db, host) -> Dataset:
    """Sync the lookups and insert the dataset above in one transaction."""
    data = Dataset()
    async with unit_of_work(db.sessionmaker) as session:
        await sync_lookups(session, host.lookup_sets)
        ids = {
            name: await lookup_ids(session, name)
            for name in (
                "case_status",
                "demand_type",
                "demand_category",
                "system_condition_type",
                "task_category",
                "channel",
                "strategic_objective",
            )
        }
        for code in ("north", "south"):
            team = Team(module="core", code=code, name=f"{code.title()} casework")
            session.add(team)
            await session.flush()
            data.teams[code] = team.id
        places = {}
        for key, (postcode, ward) in PLACES.items():
            place = Place(postcode=postcode, ward_code=ward, single_line_address=f"{key} Test Row")
            session.add(place)
            await session.flush()
            places[key] = place.id
        for key, (module, team, case_places) in CASES.items():
            case = CaseRecord(
                reference=f"MS-000{key[1]}",
                module=module,
                status_id=ids["case_status"]["open"],
                team_id=data.teams.get(team) if team else None,
                opened_on=D(2024, 3, 1),
            )
            session.add(case)
            await session.flush()
            data.cases[key] = case.id
            session.add_all(CasePlace(case_id=case.id, place_id=places[p]) for p in case_places)
        for key, (case, presenting, type_, category, nature, received, resolved) in DEMANDS.items():
            demand = Demand(
                case_id=data.cases[case],
                module=CASES[case][0],
                type_id=ids["demand_type"][type_],
                category_id=ids["demand_category"][category] if category else None,
                nature=nature,
                is_presenting=presenting,
                received_on=received,
                resolved_on=resolved,
                channel_id=ids["channel"].get(CHANNELS.get(key, "")),
                strategic_objective_id=ids["strategic_objective"].get(OBJECTIVES.get(key, "")),
            )
            session.add(demand)
            await session.flush()
            data.demands[key] = demand.id
        session.add_all(
            DemandCause(presenting_id=data.demands[p], underlying_id=data.demands[u])
            for p, u in CAUSES
        )
        for type_, module, raised, effects in CONDITIONS:
            condition = SystemCondition(
                module=module, type_id=ids["system_condition_type"][type_], raised_on=raised
            )
            session.add(condition)
            await session.flush()
            session.add_all(
                SystemConditionEffect(
                    condition_id=condition.id, case_id=data.cases[c], minutes_lost=minutes
                )
                for c, minutes in effects
            )
        for case, occurred, tasks in ACTIVITIES:
            activity = Activity(case_id=data.cases[case], occurred_at=occurred)
            session.add(activity)
            await session.flush()
            session.add_all(
                Task(
                    activity_id=activity.id,
                    category_id=ids["task_category"][category],
                    minutes=minutes,
                )
                for category, minutes in tasks
            )
    return data
