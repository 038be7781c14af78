"""Bulk loads with the search upkeep done once at the end, not row by row.

The search migration keeps two things up as rows are written: a word index over each
row's text and a vocabulary of the distinct words. During a large load both are
cheaper built once afterwards:

* SQLite: the search triggers cost tens of microseconds per row written, mostly FTS5
  indexing one row at a time; a million-row import spends more time there than on its
  own inserts. They are dropped; at the end FTS5 rebuilds its external-content index
  from the table in one pass, and the new words come from that index's own vocabulary.
* PostgreSQL: the vocabulary triggers fire once per statement, but each runs
  ``search_words()`` over every row the statement wrote, about a quarter of the
  server's work in a COPY into ``place``. They are disabled, and at the end one
  statement adds the words of the whole table (read once with ``ts_stat``). The word
  index itself is a GIN index on the table, which
  ``bulk_indexes.secondary_indexes_deferred`` drops and builds again with the table's
  other indexes.

Either way the words are those the triggers would have added: the vocabulary only
grows, and words already in it stay.

A load that keeps the upkeep (a small one) leaves PostgreSQL's GIN indexes with new
entries in a pending list that every lookup scans and only VACUUM (or autovacuum)
merges; a bulk load there should be followed by one (as ``pdms demo seed`` does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from pdms_core.db.text_search import words_sql


@dataclass(frozen=True)
class SearchObjects:
    """One table's search objects, as the search migration names them."""

    #: SQLite's FTS5 word index.
    fts: str
    vocabulary: str
    #: The row's text over the table's columns, as the migration's triggers read it.
    text: str
    #: PostgreSQL: a stored column holding the text's tsvector, if the table has one.
    vector: str | None = None


SEARCHES = {
    "person": SearchObjects(
        "search_person",
        "search_name_term",
        "forenames || ' ' || surname || ' ' || coalesce(preferred_name, '')",
    ),
    "place": SearchObjects(
        "search_place", "search_address_term", "single_line_address", "search_vector"
    ),
}
#: The search triggers on a table and the statements that switch them off and on again:
#: SQLite's are dropped and created again from their stored definitions; PostgreSQL's
#: are disabled (a trigger someone had already disabled is left alone).
_TRIGGERS = {
    "sqlite": """
        SELECT 'DROP TRIGGER "' || name || '"', sql FROM sqlite_master
        WHERE type = 'trigger' AND tbl_name = :table AND name LIKE 'search\\_%' ESCAPE '\\'
        ORDER BY name
    """,
    "postgresql": """
        SELECT format('ALTER TABLE %I DISABLE TRIGGER %I', CAST(:table AS text), tgname),
               format('ALTER TABLE %I ENABLE TRIGGER %I', CAST(:table AS text), tgname)
        FROM pg_trigger
        WHERE tgrelid = to_regclass(:table) AND NOT tgisinternal AND tgenabled <> 'D'
          AND tgname LIKE 'search\\_%' ESCAPE '\\'
        ORDER BY tgname
    """,
}


@asynccontextmanager
async def search_indexing_deferred(connection: AsyncConnection, table: str) -> AsyncIterator[None]:
    """Inside the caller's transaction, write ``table`` without per-row search upkeep.

    The search triggers are switched off on entry, and on a normal exit the search
    objects are brought up to date and the triggers switched on again. On an error the
    caller's transaction must be rolled back, which (the DDL being transactional on
    both backends) brings the triggers back too.
    """
    triggers = (
        await connection.execute(text(_TRIGGERS[connection.dialect.name]), {"table": table})
    ).all()
    for switch_off, _switch_on in triggers:
        await connection.exec_driver_sql(switch_off)
    yield
    search = SEARCHES[table]
    if connection.dialect.name == "postgresql":
        await _add_words_postgresql(connection, table, search)
    else:
        await _rebuild_sqlite(connection, search)
    for _switch_off, switch_on in triggers:
        await connection.exec_driver_sql(switch_on)


async def _add_words_postgresql(
    connection: AsyncConnection, table: str, search: SearchObjects
) -> None:
    """Add the words of every row, as the migration's ``search_words()`` finds them.

    ``search_words()`` is a SQL function PostgreSQL cannot inline: called on each of a
    million rows it costs over twice what ``ts_stat`` takes to gather the distinct
    words of the same tsvectors in one pass. So this repeats its rule: the lexemes of
    ``to_tsvector('simple', <text with hyphens as spaces>)`` that are letters and
    digits only. (The tests compare the vocabulary this leaves with the triggers'.) A
    table that stores its tsvectors (place) is read, not computed again.
    """
    tsvectors = f"SELECT {words_sql(search.text, search.vector)} FROM {table}"
    await connection.execute(
        text(
            f"INSERT INTO {search.vocabulary} (term) SELECT word FROM ts_stat(:tsvectors) "
            "WHERE word ~ :word ON CONFLICT DO NOTHING"
        ),
        {"tsvectors": tsvectors, "word": "^[[:alnum:]]+$"},
    )


async def _rebuild_sqlite(connection: AsyncConnection, search: SearchObjects) -> None:
    fts, vocabulary = search.fts, search.vocabulary
    await connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    await connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE temp.{fts}_words USING fts5vocab(main, {fts}, 'row')"
    )
    await connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO {vocabulary} (term) SELECT term FROM temp.{fts}_words"
    )
    await connection.exec_driver_sql(f"DROP TABLE temp.{fts}_words")
