"""The filters every measure takes, and how they become SQL.

Filters apply to the case behind each record: its module, its team, and the wards or
postcode areas of any of its places. The date range applies to the date that matters
for each measure (received for volumes, resolved for end-to-end times ...), as the
measure documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.cases.models import CasePlace, CaseRecord
from pdms_core.errors import ValidationFailed
from pdms_core.places.models import Place

DAY, WEEK, MONTH, QUARTER, YEAR = "day", "week", "month", "quarter", "year"
BUCKETS = (DAY, WEEK, MONTH, QUARTER, YEAR)
#: A postcode area (``AB``) or outward code (``AB1``, ``AB10``, ``SW1A``).
_AREA = re.compile(r"^[A-Z]{1,2}([0-9][0-9A-Z]?)?$")
_WARD = re.compile(r"^[A-Z][0-9]{8}$")


@dataclass(frozen=True)
class MeasureFilter:
    """Which records a measure looks at, and how it buckets time.

    Every criterion given must hold; a list criterion holds when any of its values
    does. ``date_from`` and ``date_to`` are inclusive. ``postcode_areas`` are outward
    codes (``AB1``) or their leading letters (``AB``), matched against every place of
    the case. ``bucket`` is the period of measures over time (day, week, month,
    quarter or year); other measures ignore it.
    """

    modules: tuple[str, ...] = ()
    team_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    wards: tuple[str, ...] = ()
    postcode_areas: tuple[str, ...] = ()
    bucket: str = MONTH
    #: The caller's reach: a reader whose measures permission is granted within teams
    #: counts only those teams' cases (None: every case). Not a choice of the caller.
    within_teams: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.bucket not in BUCKETS:
            raise ValidationFailed(f"Choose a bucket from {', '.join(BUCKETS)}.", field="bucket")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationFailed("The start date is after the end date.", field="from")
        areas = tuple("".join(a.split()).upper() for a in self.postcode_areas)
        for area in areas:
            if not _AREA.match(area):
                raise ValidationFailed(
                    f"{area!r} is not a postcode area or outward code (e.g. AB or AB1).",
                    field="postcodeAreas",
                )
        wards = tuple(w.strip().upper() for w in self.wards)
        for ward in wards:
            if not _WARD.match(ward):
                raise ValidationFailed(
                    f"{ward!r} is not a ward code (e.g. E05000001).", field="wards"
                )
        object.__setattr__(self, "postcode_areas", areas)
        object.__setattr__(self, "wards", wards)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form, as snapshots store it."""
        return {
            "modules": list(self.modules),
            "team_ids": list(self.team_ids),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "wards": list(self.wards),
            "postcode_areas": list(self.postcode_areas),
            "bucket": self.bucket,
            **({} if self.within_teams is None else {"within_teams": list(self.within_teams)}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeasureFilter:
        def day(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            modules=tuple(data.get("modules", ())),
            team_ids=tuple(data.get("team_ids", ())),
            date_from=day(data.get("date_from")),
            date_to=day(data.get("date_to")),
            wards=tuple(data.get("wards", ())),
            postcode_areas=tuple(data.get("postcode_areas", ())),
            bucket=data.get("bucket", MONTH),
            within_teams=(
                None if data.get("within_teams") is None else tuple(data["within_teams"])
            ),
        )

    # -- SQL ----------------------------------------------------------------------

    def on_dates(self, column: Any) -> list[ColumnElement[bool]]:
        """The date range applied to a DATE column."""
        clauses = []
        if self.date_from is not None:
            clauses.append(column >= self.date_from)
        if self.date_to is not None:
            clauses.append(column <= self.date_to)
        return clauses

    def on_times(self, column: Any) -> list[ColumnElement[bool]]:
        """The date range applied to a timestamp column (whole UTC days)."""
        clauses = []
        if self.date_from is not None:
            clauses.append(column >= datetime.combine(self.date_from, time.min, tzinfo=UTC))
        if self.date_to is not None:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=UTC)
            clauses.append(column < end)
        return clauses

    def on_module(self, column: Any) -> list[ColumnElement[bool]]:
        return [column.in_(self.modules)] if self.modules else []

    def on_case(self, case_id: Any) -> list[ColumnElement[bool]]:
        """Team and place criteria, applied to the case each row belongs to."""
        clauses: list[ColumnElement[bool]] = []
        if self.within_teams is not None:
            reach = select(CaseRecord.id).where(CaseRecord.team_id.in_(self.within_teams))
            clauses.append(case_id.in_(reach))
        if self.team_ids:
            teams = select(CaseRecord.id).where(CaseRecord.team_id.in_(self.team_ids))
            clauses.append(case_id.in_(teams))
        if self.wards:
            clauses.append(_has_place(case_id, Place.ward_code.in_(self.wards)))
        if self.postcode_areas:
            clauses.append(
                _has_place(case_id, or_(*(_in_area(area) for area in self.postcode_areas)))
            )
        return clauses

    def on_place(self, place_id: Any) -> list[ColumnElement[bool]]:
        """Ward and postcode-area criteria, applied to a place column (for records that
        hang on a place rather than a case; a record without a place then fails them)."""
        clauses: list[ColumnElement[bool]] = []
        if self.wards:
            clauses.append(place_id.in_(select(Place.id).where(Place.ward_code.in_(self.wards))))
        if self.postcode_areas:
            areas = or_(*(_in_area(area) for area in self.postcode_areas))
            clauses.append(place_id.in_(select(Place.id).where(areas)))
        return clauses

    def on_case_table(self, case_id: Any, module: Any) -> list[ColumnElement[bool]]:
        """Module, team and place criteria (not dates)."""
        return [*self.on_module(module), *self.on_case(case_id)]


def _has_place(case_id: Any, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(CasePlace.id)
        .join(Place, Place.id == CasePlace.place_id)
        .where(CasePlace.case_id == case_id, condition)
    )


def _in_area(area: str) -> ColumnElement[bool]:
    # Postcodes are stored normalised ("AB1 2CD"), so the outward code is everything
    # before the space. An area of letters only ("AB") must not match "ABC..." nor
    # a one-letter area's neighbour: the next character has to be a digit.
    postcode = Place.postcode
    if any(ch.isdigit() for ch in area):
        return postcode.like(f"{area} %")
    following = func.substr(postcode, len(area) + 1, 1)
    return and_(postcode.like(f"{area}%"), following >= "0", following <= "9")


# -- time buckets -------------------------------------------------------------------


def bucket_start(day: date, bucket: str) -> date:
    """The first day of the bucket holding ``day`` (weeks start on Monday, ISO 8601)."""
    if bucket == DAY:
        return day
    if bucket == WEEK:
        return day - timedelta(days=day.weekday())
    if bucket == MONTH:
        return day.replace(day=1)
    if bucket == QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if bucket == YEAR:
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown bucket {bucket!r}")


def bucket_end(start: date, bucket: str) -> date:
    """The last day of the bucket that starts on ``start``."""
    if bucket == DAY:
        return start
    if bucket == WEEK:
        return start + timedelta(days=6)
    months = {MONTH: 1, QUARTER: 3, YEAR: 12}[bucket]
    month = start.month - 1 + months
    following = date(start.year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)
