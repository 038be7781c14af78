"""Measures through GraphQL: typed dashboard fields, the generic table, CSV, permissions."""

from __future__ import annotations

import pytest

from pdms_core.graphql.node import global_id
from pdms_core.testing.actors import staff

VOLUMES = """query($f: MeasureFilterInput, $g: DemandGrouping) {
  demandVolumes(filter: $f, groupBy: $g) {
    periodStart periodEnd nature count lookupValue { code label } } }"""
FAILURE = """query($f: MeasureFilterInput) { failureDemand(filter: $f) {
  overall { demands failureDemands valueDemands share }
  byPeriod { periodStart periodEnd share { demands failureDemands share } }
  byType { type { code } share { demands failureDemands share } }
  byChannel { lookupValue { code } share { demands failureDemands share } }
  byObjective { lookupValue { code } share { demands failureDemands share } } } }"""
ROOT_CAUSES = """query($top: Int) { rootCauses(top: $top) {
  presentingType { code } presentingDemands causes { type { code } demands share } } }"""
CONDITIONS = """query($r: ConditionRanking) { systemConditionImpact(rankBy: $r) {
  type { code label } occurrences casesAffected minutesLost } }"""
END_TO_END = """query($f: MeasureFilterInput) { endToEndTimes(filter: $f) {
  type { code } demands p50 p80 p95
  controlChart { mean meanMovingRange upperLimit lowerLimit
    points { caseReference receivedOn resolvedOn days movingRange } } } }"""
ACTIVITY = """query($f: MeasureFilterInput) { activityTime(filter: $f) {
  category { code } minutes tasks } }"""
MEASURES = "{ measures { name module title description } }"
MEASURE = """query($name: String!, $f: MeasureFilterInput) { measure(name: $name, filter: $f) {
  name title columns { name title kind } rows csv } }"""

READER = staff("core.measures.read")


@pytest.fixture
def reader(graphql, council):
    return graphql.as_actor(READER)


async def test_demand_volumes_by_type_and_nature(reader, council):
    result = await reader.execute(
        VOLUMES,
        {
            "f": {"from": "2024-04-01", "to": "2024-04-30", "bucket": "WEEK"},
            "g": "TYPE",
        },
    )
    assert result.ok()["demandVolumes"] == [
        {
            "periodStart": "2024-04-01",
            "periodEnd": "2024-04-07",
            "nature": None,
            "count": 2,
            "lookupValue": {"code": "rent", "label": "Rent"},
        },
        {
            "periodStart": "2024-04-08",
            "periodEnd": "2024-04-14",
            "nature": None,
            "count": 1,
            "lookupValue": {"code": "repairs", "label": "Repairs"},
        },
    ]
    south = global_id("Team", council.teams["south"])
    by_nature = await reader.execute(
        VOLUMES, {"f": {"teamIds": [south], "bucket": "YEAR"}, "g": "NATURE"}
    )
    assert [
        (v["periodStart"], v["nature"], v["count"], v["lookupValue"])
        for v in by_nature.ok()["demandVolumes"]
    ] == [("2024-01-01", "VALUE", 2, None)]


async def test_failure_demand(reader):
    data = (await reader.execute(FAILURE, {"f": {"bucket": "QUARTER"}})).ok()["failureDemand"]
    assert data["overall"] == {"demands": 6, "failureDemands": 3, "valueDemands": 3, "share": 0.5}
    assert [(p["periodStart"], p["periodEnd"], p["share"]["share"]) for p in data["byPeriod"]] == [
        ("2024-01-01", "2024-03-31", 0.0),
        ("2024-04-01", "2024-06-30", 0.6667),
        ("2024-10-01", "2024-12-31", 0.0),
        ("2025-01-01", "2025-03-31", 1.0),
    ]
    assert [(t["type"]["code"], t["share"]["failureDemands"]) for t in data["byType"]] == [
        ("benefits", 1),
        ("rent", 2),
        ("repairs", 0),
    ]


async def test_failure_demand_and_volumes_by_channel_and_objective(reader):
    data = (await reader.execute(FAILURE, {"f": {"to": "2024-12-31"}})).ok()["failureDemand"]
    shares = [
        (s["lookupValue"] and s["lookupValue"]["code"], s["share"]["demands"], s["share"]["share"])
        for s in data["byChannel"]
    ]
    assert shares == [("email", 1, 1.0), ("phone", 3, 0.3333), ("web", 1, 0.0)]
    assert [(s["lookupValue"], s["share"]["failureDemands"]) for s in data["byObjective"]] == [
        (None, 1),
        ({"code": "financial_resilience"}, 1),
        ({"code": "secure_homes"}, 0),
    ]
    volumes = await reader.execute(VOLUMES, {"f": {"bucket": "YEAR"}, "g": "OBJECTIVE"})
    assert [
        (v["periodStart"], v["lookupValue"], v["count"]) for v in volumes.ok()["demandVolumes"]
    ] == [
        (
            "2024-01-01",
            {"code": "financial_resilience", "label": "Financially resilient households"},
            3,
        ),
        ("2024-01-01", {"code": "secure_homes", "label": "Secure, affordable homes"}, 1),
        ("2024-01-01", None, 1),
        ("2025-01-01", {"code": "healthy_lives", "label": "Healthy, independent lives"}, 1),
    ]


async def test_root_causes_top_n(reader):
    data = (await reader.execute(ROOT_CAUSES, {"top": 1})).ok()["rootCauses"]
    assert data == [
        {
            "presentingType": {"code": "rent"},
            "presentingDemands": 4,
            "causes": [{"type": {"code": "debt"}, "demands": 2, "share": 0.5}],
        },
        {"presentingType": {"code": "benefits"}, "presentingDemands": 1, "causes": []},
        {
            "presentingType": {"code": "repairs"},
            "presentingDemands": 1,
            "causes": [{"type": {"code": "bereavement"}, "demands": 1, "share": 1.0}],
        },
    ]


async def test_system_condition_impact_ranked_by_time_lost(reader):
    data = (await reader.execute(CONDITIONS, {"r": "TIME_LOST"})).ok()["systemConditionImpact"]
    assert data[0] == {
        "type": {"code": "it_system_down", "label": "IT system down"},
        "occurrences": 1,
        "casesAffected": 1,
        "minutesLost": 120,
    }
    assert [c["type"]["code"] for c in data] == [
        "it_system_down",
        "awaiting_other_agency",
        "no_access",
        "missing_information",
    ]


async def test_end_to_end_times_with_control_chart(reader):
    data = (await reader.execute(END_TO_END, {"f": {"postcodeAreas": ["AB"]}})).ok()
    rent, debt = data["endToEndTimes"]
    assert debt["type"] == {"code": "debt"}
    assert {k: rent[k] for k in ("type", "demands", "p50", "p80", "p95")} == {
        "type": {"code": "rent"},
        "demands": 4,
        "p50": 4,
        "p80": 10,
        "p95": 10,
    }
    chart = rent["controlChart"]
    assert (chart["mean"], chart["meanMovingRange"], chart["upperLimit"], chart["lowerLimit"]) == (
        5.25,
        5.0,
        18.55,
        0.0,
    )
    assert [(p["caseReference"], p["days"], p["movingRange"]) for p in chart["points"]] == [
        ("MS-0002", 2, None),
        ("MS-0001", 10, 8),
        ("MS-0002", 4, 6),
        ("MS-0004", 5, 1),
    ]
    assert chart["points"][-1]["receivedOn"] == "2024-12-31"
    assert chart["points"][-1]["resolvedOn"] == "2025-01-05"


async def test_activity_time(reader):
    data = (await reader.execute(ACTIVITY, {"f": {"modules": ["core"]}})).ok()["activityTime"]
    assert data == [
        {"category": {"code": "visit"}, "minutes": 60, "tasks": 1},
        {"category": {"code": "assessment"}, "minutes": 45, "tasks": 1},
        {"category": {"code": "contact"}, "minutes": 15, "tasks": 2},
    ]


async def test_the_generic_measure_is_a_table_with_csv(reader):
    result = await reader.execute(
        MEASURE, {"name": "failure_demand_by_type", "f": {"wards": ["E05000001"]}}
    )
    data = result.ok()["measure"]
    assert data["name"] == "failure_demand_by_type"
    assert data["title"] == "Failure-demand share by type"
    assert [(c["name"], c["kind"]) for c in data["columns"]] == [
        ("type_code", "text"),
        ("type_label", "text"),
        ("demands", "integer"),
        ("failure_demands", "integer"),
        ("failure_share", "number"),
    ]
    assert data["rows"] == [["rent", "Rent", "2", "0", "0.0"]]
    assert data["csv"] == (
        "type_code,type_label,demands,failure_demands,failure_share\r\nrent,Rent,2,0,0.0\r\n"
    )


async def test_csv_of_dates_and_blanks(reader):
    result = await reader.execute(
        MEASURE,
        {"name": "demand_volumes_by_category", "f": {"from": "2024-04-07", "to": "2024-04-08"}},
    )
    assert result.ok()["measure"]["csv"] == (
        "period_start,period_end,category_code,category_label,demands\r\n"
        "2024-04-01,2024-04-30,,,2\r\n"
    )
    assert result.ok()["measure"]["rows"] == [["2024-04-01", "2024-04-30", None, None, "2"]]


async def test_an_empty_measure_has_its_header_only(reader):
    result = await reader.execute(MEASURE, {"name": "activity_time", "f": {"from": "2030-01-01"}})
    data = result.ok()["measure"]
    assert data["rows"] == []
    assert data["csv"] == "category_code,category_label,minutes,tasks\r\n"


async def test_measures_lists_core_and_plugin_measures(reader):
    measures = (await reader.execute(MEASURES)).ok()["measures"]
    names = [m["name"] for m in measures]
    assert names[:3] == [
        "demand_volumes_by_type",
        "demand_volumes_by_category",
        "demand_volumes_by_nature",
    ]
    assert {m["module"] for m in measures if m["name"].startswith("dummy.")} == {"dummy"}
    assert all(m["title"] and m["description"] for m in measures)


async def test_unknown_measures_and_bad_filters_are_typed_errors(reader):
    unknown = await reader.execute(MEASURE, {"name": "happiness"})
    assert unknown.error_codes() == ["NOT_FOUND"]
    assert unknown.errors[0]["extensions"]["field"] == "name"
    bad_area = await reader.execute(VOLUMES, {"f": {"postcodeAreas": ["not a postcode"]}})
    assert bad_area.error_codes() == ["VALIDATION"]
    bad_team = await reader.execute(VOLUMES, {"f": {"teamIds": [global_id("Person", 1)]}})
    assert bad_team.error_codes() == ["VALIDATION"]
    assert bad_team.errors[0]["extensions"]["field"] == "teamIds"


DENIED = [
    (VOLUMES, {}),
    (FAILURE, {}),
    (ROOT_CAUSES, {}),
    (CONDITIONS, {}),
    (END_TO_END, {}),
    (ACTIVITY, {}),
    (MEASURES, {}),
    (MEASURE, {"name": "root_causes"}),
]


@pytest.mark.parametrize(("document", "variables"), DENIED)
async def test_measures_need_the_read_permission(graphql, council, document, variables):
    for actor in (None, staff("core.cases.read", "core.measures.snapshot")):
        result = await graphql.as_actor(actor).execute(document, variables)
        assert result.data is None
        if actor is None:  # no credentials at all: told to sign in
            assert result.error_codes() == ["UNAUTHENTICATED"]
            continue
        assert result.error_codes() == ["PERMISSION_DENIED"]
        assert "core.measures.read" in result.errors[0]["message"]


async def test_measures_cost_a_fixed_number_of_statements(reader, sql_statements):
    sql_statements.reset()
    await reader.execute(END_TO_END)
    few = sql_statements.count
    # one statement for the rows, one for their lookup labels, one batch of LookupValue nodes
    assert few == 3, sql_statements.statements
