"""Demand measures on the known council: volumes, buckets, filters, failure share, root causes."""

from __future__ import annotations

from datetime import date

import pytest

from pdms_core.errors import ValidationFailed
from pdms_core.measures.filters import MeasureFilter

D = date


def cells(rows, *names):
    return [tuple(row[n] for n in names) for row in rows]


# -- volumes over time -----------------------------------------------------------------

BY_BUCKET = {
    "day": [
        (D(2024, 3, 31), D(2024, 3, 31), "rent", 1),
        (D(2024, 4, 1), D(2024, 4, 1), "rent", 1),
        (D(2024, 4, 7), D(2024, 4, 7), "rent", 1),
        (D(2024, 4, 8), D(2024, 4, 8), "repairs", 1),
        (D(2024, 12, 31), D(2024, 12, 31), "rent", 1),
        (D(2025, 1, 1), D(2025, 1, 1), "benefits", 1),
    ],
    # ISO weeks: Sunday 31 March closes the week of 25 March; Sunday 7 April closes the
    # week of 1 April; the week of 30 December 2024 runs into 2025.
    "week": [
        (D(2024, 3, 25), D(2024, 3, 31), "rent", 1),
        (D(2024, 4, 1), D(2024, 4, 7), "rent", 2),
        (D(2024, 4, 8), D(2024, 4, 14), "repairs", 1),
        (D(2024, 12, 30), D(2025, 1, 5), "benefits", 1),
        (D(2024, 12, 30), D(2025, 1, 5), "rent", 1),
    ],
    "month": [
        (D(2024, 3, 1), D(2024, 3, 31), "rent", 1),
        (D(2024, 4, 1), D(2024, 4, 30), "rent", 2),
        (D(2024, 4, 1), D(2024, 4, 30), "repairs", 1),
        (D(2024, 12, 1), D(2024, 12, 31), "rent", 1),
        (D(2025, 1, 1), D(2025, 1, 31), "benefits", 1),
    ],
    "quarter": [
        (D(2024, 1, 1), D(2024, 3, 31), "rent", 1),
        (D(2024, 4, 1), D(2024, 6, 30), "rent", 2),
        (D(2024, 4, 1), D(2024, 6, 30), "repairs", 1),
        (D(2024, 10, 1), D(2024, 12, 31), "rent", 1),
        (D(2025, 1, 1), D(2025, 3, 31), "benefits", 1),
    ],
    "year": [
        (D(2024, 1, 1), D(2024, 12, 31), "rent", 4),
        (D(2024, 1, 1), D(2024, 12, 31), "repairs", 1),
        (D(2025, 1, 1), D(2025, 12, 31), "benefits", 1),
    ],
}


@pytest.mark.parametrize("bucket", list(BY_BUCKET))
async def test_presenting_demands_by_type_fall_in_their_buckets(measure, bucket):
    rows = await measure("demand_volumes_by_type", bucket=bucket)
    assert cells(rows, "period_start", "period_end", "type_code", "demands") == BY_BUCKET[bucket]


async def test_volumes_by_category_and_by_nature(measure):
    by_category = await measure("demand_volumes_by_category", bucket="quarter")
    assert cells(by_category, "period_start", "category_code", "category_label", "demands") == [
        (D(2024, 1, 1), "payment_difficulty", "Difficulty paying", 1),
        (D(2024, 4, 1), None, None, 2),
        (D(2024, 4, 1), "progress_chasing", "Chasing progress", 1),
        (D(2024, 10, 1), "payment_difficulty", "Difficulty paying", 1),
        (D(2025, 1, 1), "housing_benefit", "Housing benefit", 1),
    ]
    by_nature = await measure("demand_volumes_by_nature", bucket="month")
    assert cells(by_nature, "period_start", "nature", "demands") == [
        (D(2024, 3, 1), "value", 1),
        (D(2024, 4, 1), "failure", 2),
        (D(2024, 4, 1), "value", 1),
        (D(2024, 12, 1), "value", 1),
        (D(2025, 1, 1), "failure", 1),
    ]


FILTERS = {
    "module": ({"modules": ("dummy",)}, [(2024, "rent", 1)]),
    "team": ("south", [(2024, "rent", 1), (2024, "repairs", 1)]),
    "ward": ({"wards": ("E05000002",)}, [(2024, "rent", 2)]),
    "outward code excludes AB12": ({"postcode_areas": ("AB1",)}, [(2024, "rent", 2)]),
    "area AB takes AB1 and AB12": ({"postcode_areas": ("ab",)}, [(2024, "rent", 4)]),
    "area B is not AB": ({"postcode_areas": ("B",)}, [(2024, "rent", 1), (2024, "repairs", 1)]),
    "dates inclusive": (
        {"date_from": D(2024, 4, 1), "date_to": D(2024, 12, 31)},
        [(2024, "rent", 3), (2024, "repairs", 1)],
    ),
    "criteria combine": (
        {"modules": ("core",), "postcode_areas": ("AB", "B")},
        [(2024, "rent", 3), (2024, "repairs", 1)],
    ),
    "nothing matches": ({"date_from": D(2030, 1, 1)}, []),
}


@pytest.mark.parametrize("name", list(FILTERS))
async def test_every_filter_narrows_the_volumes(measure, council, name):
    criteria, expected = FILTERS[name]
    if criteria == "south":
        criteria = {"team_ids": (council.teams["south"],)}
    rows = await measure("demand_volumes_by_type", bucket="year", **criteria)
    assert cells(rows, "period_start", "type_code", "demands") == [
        (D(year, 1, 1), code, count) for year, code, count in expected
    ]


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({"bucket": "fortnight"}, "bucket"),
        ({"date_from": D(2024, 2, 1), "date_to": D(2024, 1, 1)}, "from"),
        ({"postcode_areas": ("AB1 2CD",)}, "postcodeAreas"),
        ({"postcode_areas": ("A%",)}, "postcodeAreas"),
        ({"wards": ("north",)}, "wards"),
    ],
)
def test_a_malformed_filter_is_a_validation_error(criteria, field):
    with pytest.raises(ValidationFailed) as raised:
        MeasureFilter(**criteria)
    assert raised.value.field == field


# -- failure demand --------------------------------------------------------------------


async def test_failure_share_overall_per_period_and_per_type(measure):
    assert await measure("failure_demand") == [
        {"demands": 6, "failure_demands": 3, "failure_share": 0.5}
    ]
    by_period = await measure("failure_demand_by_period", bucket="month")
    assert cells(by_period, "period_start", "demands", "failure_demands", "failure_share") == [
        (D(2024, 3, 1), 1, 0, 0.0),
        (D(2024, 4, 1), 3, 2, 0.6667),
        (D(2024, 12, 1), 1, 0, 0.0),
        (D(2025, 1, 1), 1, 1, 1.0),
    ]
    by_type = await measure("failure_demand_by_type")
    assert cells(by_type, "type_code", "demands", "failure_demands", "failure_share") == [
        ("benefits", 1, 1, 1.0),
        ("rent", 4, 2, 0.5),
        ("repairs", 1, 0, 0.0),
    ]


async def test_volumes_by_channel_and_by_strategic_objective(measure):
    by_channel = await measure("demand_volumes_by_channel", bucket="year")
    assert cells(by_channel, "period_start", "channel_code", "channel_label", "demands") == [
        (D(2024, 1, 1), "phone", "Phone", 3),
        (D(2024, 1, 1), "email", "Email", 1),
        (D(2024, 1, 1), "web", "Web form", 1),
        (D(2025, 1, 1), None, None, 1),
    ]
    by_objective = await measure("demand_volumes_by_objective", bucket="year")
    assert cells(by_objective, "period_start", "objective_code", "demands") == [
        (D(2024, 1, 1), "financial_resilience", 3),
        (D(2024, 1, 1), "secure_homes", 1),
        (D(2024, 1, 1), None, 1),
        (D(2025, 1, 1), "healthy_lives", 1),
    ]


async def test_failure_share_by_channel_and_by_strategic_objective(measure, council):
    by_channel = await measure("failure_demand_by_channel")
    assert cells(by_channel, "channel_code", "demands", "failure_demands", "failure_share") == [
        ("email", 1, 1, 1.0),
        (None, 1, 1, 1.0),
        ("phone", 3, 1, 0.3333),
        ("web", 1, 0, 0.0),
    ]
    north = (council.teams["north"],)
    by_objective = await measure("failure_demand_by_objective", team_ids=north)
    assert cells(by_objective, "objective_code", "demands", "failure_demands") == [
        (None, 1, 1),
        ("financial_resilience", 2, 1),
    ]


async def test_failure_share_of_nothing_is_empty_not_zero(measure):
    assert await measure("failure_demand", date_from=D(2030, 1, 1)) == [
        {"demands": 0, "failure_demands": 0, "failure_share": None}
    ]
    assert await measure("failure_demand_by_type", date_from=D(2030, 1, 1)) == []


# -- root causes -----------------------------------------------------------------------


async def test_root_causes_rank_underlying_types_behind_each_presenting_type(measure):
    rows = await measure("root_causes")
    assert cells(
        rows, "presenting_type_code", "presenting_demands", "rank", "underlying_type_code"
    ) == [
        ("rent", 4, 1, "debt"),
        ("rent", 4, 2, "mental_health"),
        ("repairs", 1, 1, "bereavement"),
    ]
    assert cells(rows, "demands", "share") == [(2, 0.5), (1, 0.25), (1, 1.0)]


async def test_root_causes_filter_on_the_presenting_demand(measure, council):
    rows = await measure("root_causes", date_to=D(2024, 4, 30), team_ids=(council.teams["north"],))
    # D1 (north, March) keeps both its causes; D6 (south, December) is out.
    assert cells(rows, "presenting_type_code", "presenting_demands", "underlying_type_code") == [
        ("rent", 3, "debt"),
        ("rent", 3, "mental_health"),
    ]
    assert cells(rows, "share") == [(0.3333,), (0.3333,)]
