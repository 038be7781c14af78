"""The measure filter as GraphQL input and output, and the code-defined enums."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

import strawberry

from pdms_core.auth.actor import Actor
from pdms_core.graphql.node import decode_id, global_id
from pdms_core.measures import filters
from pdms_core.measures.visibility import MEASURES_READ


@strawberry.enum(description="The period measures over time are counted in.")
class TimeBucket(Enum):
    DAY = strawberry.enum_value(filters.DAY, description="Calendar days.")
    WEEK = strawberry.enum_value(filters.WEEK, description="ISO weeks, Monday to Sunday.")
    MONTH = strawberry.enum_value(filters.MONTH, description="Calendar months.")
    QUARTER = strawberry.enum_value(
        filters.QUARTER, description="Calendar quarters (January, April, July, October)."
    )
    YEAR = strawberry.enum_value(filters.YEAR, description="Calendar years.")


@strawberry.input(description="Which records a measure counts. Every criterion given must hold.")
class MeasureFilterInput:
    modules: list[str] = strawberry.field(
        default_factory=list, description="Module names (`core`, `rent_arrears` ...); any of them."
    )
    team_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Global IDs of teams owning the cases; any of them."
    )
    date_from: date | None = strawberry.field(
        default=None, name="from", description="First day counted (inclusive)."
    )
    date_to: date | None = strawberry.field(
        default=None, name="to", description="Last day counted (inclusive)."
    )
    wards: list[str] = strawberry.field(
        default_factory=list,
        description="ONS ward codes (E05...); a case counts when any of its places is in one.",
    )
    postcode_areas: list[str] = strawberry.field(
        default_factory=list,
        description="Outward codes (`AB1`) or postcode areas (`AB`); a case counts when any "
        "of its places' postcodes is in one.",
    )
    bucket: TimeBucket = strawberry.field(
        default=TimeBucket.MONTH, description="Period of measures over time; others ignore it."
    )

    def to_filter(self) -> filters.MeasureFilter:
        return filters.MeasureFilter(
            modules=tuple(self.modules),
            team_ids=tuple(decode_id(t, "Team", field="teamIds") for t in self.team_ids),
            date_from=self.date_from,
            date_to=self.date_to,
            wards=tuple(self.wards),
            postcode_areas=tuple(self.postcode_areas),
            bucket=self.bucket.value,
        )


def to_filter(given: MeasureFilterInput | None, actor: Actor) -> filters.MeasureFilter:
    """The service filter for an optional input (no input: everything, by month).

    A reader whose measures permission is granted within teams counts only those
    teams' cases, whatever the input asks for.
    """
    chosen = given.to_filter() if given is not None else filters.MeasureFilter()
    teams = actor.teams_for(MEASURES_READ)
    if teams is None:
        return chosen
    return dataclasses.replace(chosen, within_teams=tuple(sorted(teams)))


@strawberry.type(name="MeasureFilter", description="The filter a measure was computed for.")
class MeasureFilterType:
    modules: list[str] = strawberry.field(description="Module names; empty for all.")
    team_ids: list[strawberry.ID] = strawberry.field(description="Team global IDs; empty for all.")
    date_from: date | None = strawberry.field(name="from", description="First day counted.")
    date_to: date | None = strawberry.field(name="to", description="Last day counted.")
    wards: list[str] = strawberry.field(description="Ward codes; empty for all.")
    postcode_areas: list[str] = strawberry.field(description="Postcode areas; empty for all.")
    bucket: TimeBucket = strawberry.field(description="Period of measures over time.")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MeasureFilterType:
        f = filters.MeasureFilter.from_json(data)
        return cls(
            modules=list(f.modules),
            team_ids=[strawberry.ID(global_id("Team", t)) for t in f.team_ids],
            date_from=f.date_from,
            date_to=f.date_to,
            wards=list(f.wards),
            postcode_areas=list(f.postcode_areas),
            bucket=TimeBucket(f.bucket),
        )
