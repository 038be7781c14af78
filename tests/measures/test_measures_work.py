"""System conditions, activity time and end-to-end times on the known council."""

from __future__ import annotations

from datetime import date

from pdms_core.measures.filters import MeasureFilter
from pdms_core.measures.work_measures import TIME_LOST, condition_impact

D = date


def cells(rows, *names):
    return [tuple(row[n] for n in names) for row in rows]


CONDITION_COLUMNS = ("condition_type_code", "occurrences", "cases_affected", "minutes_lost")


async def test_conditions_rank_by_distinct_cases_then_time_lost(measure):
    rows = await measure("system_conditions")
    assert cells(rows, *CONDITION_COLUMNS) == [
        # two no-access conditions held up C1 twice and C2 once: two cases, 55 minutes
        ("no_access", 2, 2, 55),
        ("it_system_down", 1, 1, 120),
        ("awaiting_other_agency", 1, 1, 60),
        ("missing_information", 1, 0, 0),
    ]


async def test_conditions_rank_by_time_lost(pdms_db, council):
    async with pdms_db.sessionmaker() as session:
        impacts = await condition_impact(session, MeasureFilter(), TIME_LOST)
    assert [(c.type.code, c.minutes_lost) for c in impacts] == [
        ("it_system_down", 120),
        ("awaiting_other_agency", 60),
        ("no_access", 55),
        ("missing_information", 0),
    ]


async def test_condition_filters(measure, council):
    by_team = await measure("system_conditions", team_ids=(council.teams["north"],))
    assert cells(by_team, *CONDITION_COLUMNS) == [("no_access", 2, 2, 55)]
    by_ward = await measure("system_conditions", wards=("E05000003",))
    assert cells(by_ward, *CONDITION_COLUMNS) == [
        ("it_system_down", 1, 1, 120),
        ("awaiting_other_agency", 1, 1, 60),
    ]
    by_module = await measure("system_conditions", modules=("dummy",))
    assert cells(by_module, *CONDITION_COLUMNS) == [("it_system_down", 1, 1, 120)]
    by_date = await measure("system_conditions", date_from=D(2024, 4, 6), date_to=D(2024, 5, 1))
    assert cells(by_date, *CONDITION_COLUMNS) == [
        ("awaiting_other_agency", 1, 1, 60),
        ("no_access", 1, 1, 10),
        ("missing_information", 1, 0, 0),
    ]
    assert await measure("system_conditions", date_from=D(2030, 1, 1)) == []


async def test_activity_time_by_task_category(measure, council):
    rows = await measure("activity_time")
    assert cells(rows, "category_code", "category_label", "minutes", "tasks") == [
        ("visit", "Visit", 60, 1),
        ("assessment", "Assessment", 45, 1),
        ("contact", "Contact", 35, 3),
        ("referral", "Referral", 15, 1),
    ]
    # whole UTC days: 23:30 on 30 April is in, midnight on 1 May is out
    april = await measure("activity_time", date_from=D(2024, 4, 1), date_to=D(2024, 4, 30))
    assert cells(april, "category_code", "minutes", "tasks") == [
        ("assessment", 45, 1),
        ("contact", 15, 2),
    ]
    may = await measure("activity_time", date_from=D(2024, 5, 1), date_to=D(2024, 5, 1))
    assert cells(may, "category_code", "minutes") == [("visit", 60)]
    south = await measure("activity_time", team_ids=(council.teams["south"],), modules=("dummy",))
    assert cells(south, "category_code", "minutes") == [("contact", 20), ("referral", 15)]
    assert await measure("activity_time", postcode_areas=("ZZ",)) == []


async def test_end_to_end_percentiles_and_limits_per_type(measure):
    rows = await measure("end_to_end_times")
    assert cells(
        rows,
        "type_code",
        "demands",
        "p50_days",
        "p80_days",
        "p95_days",
        "mean_days",
        "upper_limit",
        "lower_limit",
    ) == [
        # rent in resolution order: 2, 10, 4, 5 days; sorted 2, 4, 5, 10 (nearest rank:
        # p50 = 2nd, p80 = 4th, p95 = 4th); moving ranges 8, 6, 1 -> mean 5;
        # limits 5.25 +/- 2.66 x 5, the lower clipped at 0
        ("rent", 4, 4, 10, 10, 5.25, 18.55, 0.0),
        ("debt", 1, 18, 18, 18, 18.0, 18.0, 18.0),
        ("repairs", 1, 22, 22, 22, 22.0, 22.0, 22.0),
    ]


async def test_end_to_end_control_chart_series(measure):
    rows = await measure("end_to_end_control_chart", date_to=D(2024, 12, 31))
    assert cells(
        rows, "type_code", "sequence", "case_reference", "resolved_on", "days", "moving_range"
    ) == [
        ("rent", 1, "MS-0002", D(2024, 4, 3), 2, None),
        ("rent", 2, "MS-0001", D(2024, 4, 10), 10, 8),
        ("rent", 3, "MS-0002", D(2024, 4, 11), 4, 6),
        ("debt", 1, "MS-0001", D(2024, 4, 20), 18, None),
        ("repairs", 1, "MS-0003", D(2024, 4, 30), 22, None),
    ]
    # rent without D6 (resolved 2025): mean 16/3, mean moving range 7
    assert cells(rows[:1], "mean_days", "upper_limit", "lower_limit") == [(5.33, 23.95, 0.0)]


async def test_end_to_end_counts_demands_by_resolution_date(measure):
    rows = await measure("end_to_end_times", date_from=D(2025, 1, 1), modules=("dummy",))
    assert cells(rows, "type_code", "demands", "p50_days") == [("rent", 1, 5)]
    assert await measure("end_to_end_times", wards=("E05000099",)) == []
