"""Complete partial place records from what the database already holds.

A change-only update of a multi-record format carries only the records that changed:
a new LPI without its BLPU, a moved BLPU without its LPI, an LPI on a street whose
descriptor did not change. The missing parts are taken from the stored place (and a
missing street from any stored place on the same USRN); a new place that lacks a
required part is an error on the line of the record that introduced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.gazetteer.addressing import check_addressable, format_address
from pdms_core.gazetteer.layouts import STREET_PART
from pdms_core.gazetteer.records import (
    COLUMN_INDEX,
    PLACE_COLUMNS,
    FieldError,
    PlaceRecord,
    RowError,
)
from pdms_core.places.models import Place

_PLACE = Place.__table__
_USRN = COLUMN_INDEX["usrn"]
_STREET_COLUMNS = STREET_PART.columns
#: Streets looked up in the database are remembered, up to this many.
_STREET_CACHE = 100_000


class Completer:
    """Completes batches of partial records inside the import's transaction."""

    def __init__(self, connection: AsyncConnection, pao_column: str, street_column: str):
        """The column names are the file's, for errors about a completed record."""
        self._connection = connection
        self._names = (pao_column, street_column)
        self._streets: dict[int, tuple[Any, ...]] = {}

    async def complete(self, records: Sequence[PlaceRecord]) -> list[PlaceRecord | RowError]:
        """Each record completed and formatted, or the reason it cannot be."""
        stored = await self._stored([r.values[0] for r in records])
        await self._load_streets(records, stored)
        completed: list[PlaceRecord | RowError] = []
        for record in records:
            try:
                completed.append(self._complete(record, stored.get(record.values[0])))
            except FieldError as exc:
                completed.append(RowError(record.line, exc.column, exc.reason))
        return completed

    async def _stored(self, uprns: list[int]) -> dict[int, dict[str, Any]]:
        columns = [_PLACE.c[name] for name in PLACE_COLUMNS]
        result = await self._connection.execute(select(*columns).where(_PLACE.c.uprn.in_(uprns)))
        stored = {}
        for row in result.mappings():
            values = dict(row)
            if isinstance(values["last_update_date"], date):
                values["last_update_date"] = values["last_update_date"].isoformat()
            stored[values["uprn"]] = values
        return stored

    async def _load_streets(
        self, records: Sequence[PlaceRecord], stored: dict[int, dict[str, Any]]
    ) -> None:
        wanted = set()
        for record in records:
            if STREET_PART in record.missing and record.values[_USRN] is not None:
                old = stored.get(record.values[0])
                if old is None or old["usrn"] != record.values[_USRN]:
                    wanted.add(record.values[_USRN])
        wanted -= self._streets.keys()
        if not wanted:
            return
        if len(self._streets) > _STREET_CACHE:
            self._streets.clear()
        columns = [_PLACE.c.usrn, *(_PLACE.c[name] for name in _STREET_COLUMNS)]
        result = await self._connection.execute(
            select(*columns).where(_PLACE.c.usrn.in_(sorted(wanted)), _PLACE.c.street.is_not(None))
        )
        for row in result:
            self._streets.setdefault(row[0], tuple(row[1:]))

    def _complete(self, record: PlaceRecord, old: dict[str, Any] | None) -> PlaceRecord:
        values = list(record.values)
        uprn = values[0]
        for part in record.missing:
            if part == STREET_PART:  # equal, not the same: parts may come from a pipe
                continue  # after the LPI, which may bring the USRN
            if old is None:
                if part.required:
                    raise FieldError(
                        "UPRN",
                        f"no {part.label} for UPRN {uprn} in this file, "
                        "and the place is not in the database",
                    )
                continue
            for column in part.columns:
                values[COLUMN_INDEX[column]] = old[column]
        if STREET_PART in record.missing:
            self._fill_street(values, old)
        check_addressable(values, *self._names)
        return PlaceRecord(record.line, record.change, format_address(values))

    def _fill_street(self, values: list, old: dict[str, Any] | None) -> None:
        usrn = values[_USRN]
        if old is not None and old["usrn"] == usrn:
            street = tuple(old[column] for column in _STREET_COLUMNS)
        elif usrn in self._streets:
            street = self._streets[usrn]
        else:
            raise FieldError(
                "USRN",
                f"no street descriptor (record 15) for USRN {usrn} in this file or the database",
            )
        for column, value in zip(_STREET_COLUMNS, street, strict=True):
            values[COLUMN_INDEX[column]] = value
