"""``UtcDateTime``: a moment stored and returned as an aware UTC datetime on every database.

PostgreSQL's ``timestamptz`` hands back aware values, but SQLite has no such type:
SQLAlchemy writes the wall-clock digits without the offset and reads them back naive,
so the same row gave ``…+00:00`` on one database and no offset on the other (and a
naive value cannot be compared with ``datetime.now(UTC)``). Every timezone-aware
column of core and the plugins uses this type instead of ``DateTime(timezone=True)``.

The rule, on both databases:

* written: an aware value is converted to UTC; a **naive value is taken as UTC**. A
  naive value does reach us legitimately — a GraphQL ``DateTime`` argument sent
  without an offset, and ``CURRENT_TIMESTAMP`` defaults on SQLite, which are UTC — so
  refusing it would turn a client's filter into a server error. Code must still build
  its times with ``datetime.now(UTC)``, never ``datetime.utcnow()`` or ``now()``.
* stored on SQLite: ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC (SQLAlchemy's own SQLite
  DATETIME format, so existing rows, indexes and text comparisons keep working; the
  bulk insert path writes the same text, see :func:`sqlite_text`).
* read: always aware, in UTC.
* assigned to a mapped attribute: converted at once (see :func:`_utc_on_set`), so an
  object just written answers with the value a later read gives — a mutation's payload
  shows ``+00:00`` even when the caller sent ``+01:00``.

Migrations keep ``sa.DateTime(timezone=True)``: the column in the database is the
same, only the Python-side conversion differs, so ``alembic check`` sees no drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator

#: The text SQLAlchemy's SQLite DATETIME type stores (and parses back).
SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def sqlite_text(value: datetime) -> str:
    """The text a :class:`UtcDateTime` column holds on SQLite for ``value``."""
    return f"{as_utc(value):{SQLITE_FORMAT}}"


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that writes UTC and always reads aware UTC."""

    impl = DateTime(timezone=True)
    # Pure function of the value: safe for SQLAlchemy's statement cache.
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UtcDateTime needs a datetime, got {type(value).__name__}")
        utc = as_utc(value)
        # SQLite's DATETIME keeps no offset: hand it the UTC wall clock, naive, so what
        # is stored is unambiguous. PostgreSQL's timestamptz takes the aware value.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        # asyncpg hands timestamptz back aware and in UTC already: no per-value work on
        # PostgreSQL, where a portal page reads thousands of these.
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)


def _to_utc(_target: object, value: Any, _old: object, _initiator: object) -> Any:
    return as_utc(value) if isinstance(value, datetime) else value


@event.listens_for(Mapper, "mapper_configured")
def _utc_on_set(mapper: Mapper[Any], class_: type) -> None:
    # Every mapped class of core and the plugins: a UtcDateTime attribute holds UTC
    # from the moment it is set, not only after the row is read back.
    for prop in mapper.column_attrs:
        if any(isinstance(column.type, UtcDateTime) for column in prop.columns):
            event.listen(getattr(class_, prop.key), "set", _to_utc, retval=True)
