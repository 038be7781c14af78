"""Cursor connections with keyset pagination; ``first`` is capped at 100.

Cursor encoding and page-size rules live in :mod:`pdms_core.db.cursors`, shared with
the search services.

Keyset (``WHERE key > cursor``) rather than OFFSET keeps a deep page as cheap as the
first one on a county-sized table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from pdms_core.db.cursors import (
    check_first,
    decode_cursor,
    encode_cursor,
)
from pdms_core.errors import ValidationFailed
from pdms_core.graphql.prefetch import prefetchable

T = TypeVar("T")


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item; pass it as `after` for the next page."
    )


@strawberry.type(description="An item in a list, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")

    @strawberry.field(description="The items of this page, without cursors.")
    @prefetchable
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


@dataclass
class KeysetPage:
    """Rows of one page and whether there are more."""

    rows: list[Any]
    keys: list[list[Any]]
    has_next: bool
    has_previous: bool

    def connection(self) -> Connection[Any]:
        return connection_of(
            self.rows,
            [encode_cursor(key) for key in self.keys],
            has_next=self.has_next,
            has_previous=self.has_previous,
        )


def connection_of(
    rows: list[Any], cursors: list[str], *, has_next: bool, has_previous: bool
) -> Connection[Any]:
    """A connection from rows already paged by a service (with their cursors)."""
    edges = [Edge(cursor=cursor, node=row) for row, cursor in zip(rows, cursors, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
    )


async def search_connection(
    info: Any, search: Any, criteria: Any, *, first: int | None, after: str | None
) -> Connection[Any]:
    """Run a ranked search service (``search(session, criteria, first=, after=)``) as a
    connection, in the request's short-lived read session."""
    async with info.context.session() as session:
        page = await search(session, criteria, first=check_first(first), after=after)
    return connection_of(
        page.rows, page.cursors, has_next=page.has_next_page, has_previous=page.has_previous_page
    )


async def keyset_page(
    session: AsyncSession,
    statement: Select[Any],
    order: Sequence[ColumnElement[Any]],
    *,
    first: int | None,
    after: str | None,
    entity: bool = True,
) -> KeysetPage:
    """Fetch one page of ``statement`` ordered by the unique key ``order`` (ascending)."""
    size = check_first(first)
    key_labels = [f"_k{i}" for i in range(len(order))]
    statement = statement.add_columns(*(c.label(n) for c, n in zip(order, key_labels, strict=True)))
    cursor = _typed(decode_cursor(after, len(order)), order) if after is not None else None
    negated = [_negated(column) for column in order]
    if all(column is not None for column in negated):
        # Newest first as ``-id``: ask for ``id DESC`` and ``id < cursor`` instead, which
        # the primary key's index answers; ``ORDER BY -id`` sorts the whole table.
        if cursor is not None:
            statement = statement.where(tuple_(*negated) < tuple_(*(-value for value in cursor)))
        statement = statement.order_by(*(column.desc() for column in negated))
    else:
        if cursor is not None:
            statement = statement.where(tuple_(*order) > tuple_(*cursor))
        statement = statement.order_by(*order)
    statement = statement.limit(size + 1)
    result = (await session.execute(statement)).all()
    rows = [row[0] if entity else row for row in result[:size]]
    keys = [[getattr(row, n) for n in key_labels] for row in result[:size]]
    return KeysetPage(
        rows=rows, keys=keys, has_next=len(result) > size, has_previous=after is not None
    )


def _negated(column: ColumnElement[Any]) -> ColumnElement[Any] | None:
    """The numeric column under a unary minus (``-Model.id``), or None."""
    if isinstance(column, UnaryExpression) and column.operator is operators.neg:
        return column.element
    return None


def _typed(cursor: list[Any], order: Sequence[ColumnElement[Any]]) -> list[Any]:
    """Cursor values back in their columns' Python types (dates travel as ISO strings)."""
    typed = []
    for value, column in zip(cursor, order, strict=True):
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = None
        try:
            if kind in (date, datetime) and isinstance(value, str):
                value = kind.fromisoformat(value)
            elif kind is int and type(value) is not int:
                raise ValueError(value)
            elif kind is str and not isinstance(value, str):
                # PostgreSQL refuses to compare a text column with a number: a cursor
                # made for another list is the caller's mistake, not a server error.
                raise ValueError(value)
        except ValueError:
            raise ValidationFailed(
                "The cursor is not valid for this list.", field="after"
            ) from None
        typed.append(value)
    return typed
