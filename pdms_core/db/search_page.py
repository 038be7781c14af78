"""One page of ranked search results, with opaque cursors (no strawberry here).

Results are ordered by an integer score, highest first, then by id; a cursor is that
(score, id) key, so the next page is ``WHERE (score, id) after the cursor`` in the
database, as cheap as the first page and never overlapping it. The cursor encoding is
the one the GraphQL connections use (base64 JSON), so a resolver passes them through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from pdms_core.db.cursors import check_first, decode_cursor, encode_cursor
from pdms_core.db.text_search import keyset_after

T = TypeVar("T")


@dataclass(frozen=True)
class SearchPage(Generic[T]):
    """Rows in rank order, each with the cursor to pass as ``after`` for what follows."""

    rows: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool

    @property
    def start_cursor(self) -> str | None:
        return self.cursors[0] if self.cursors else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


async def ranked_page(
    session: AsyncSession,
    statement: Select[Any],
    score: ColumnElement[int],
    id_column: ColumnElement[int],
    *,
    first: int,
    after: str | None,
) -> SearchPage[Any]:
    """Run ``statement`` (selecting one entity) for the page after ``after``."""
    size = check_first(first)
    if after is not None:
        statement = statement.where(
            keyset_after(score, id_column, decode_cursor(after, 2, integers=True))
        )
    statement = (
        statement.add_columns(score.label("search_score"))
        .order_by(score.desc(), id_column)
        .limit(size + 1)
    )
    result = (await session.execute(statement)).all()[: size + 1]
    rows = [row[0] for row in result[:size]]
    cursors = [encode_cursor([row.search_score, row[0].id]) for row in result[:size]]
    return SearchPage(rows, cursors, len(result) > size, after is not None)
