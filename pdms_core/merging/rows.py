"""Whole rows to JSON and back, so a dropped row can be put back exactly.

Values are stored in JSON's types and turned back into the column's Python type
(dates, datetimes, decimals) by the column's own declared type.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Row


def row_to_json(table: Table, row: Row[Any]) -> dict[str, Any]:
    mapping = row._mapping
    return {column.name: _to_json(mapping[column]) for column in table.columns}


def row_from_json(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    return {
        column.name: _from_json(column.type, data[column.name])
        for column in table.columns
        if column.name in data
    }


def _to_json(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _from_json(column_type: Any, value: Any) -> Any:
    if value is None:
        return None
    try:
        python_type = column_type.python_type
    except NotImplementedError:  # JSON and other types that take JSON values as they are
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    if python_type is bytes:
        return bytes.fromhex(value)
    return value
