"""search indexes

Revision ID: 3c0f7b266162
Revises: ddcd58b5bb56
Create Date: 2026-11-22 04:07:56.581125

Text search for people (names) and places (addresses), in each backend's own indexes.
Every object here is named ``search_*`` so that the alembic environment leaves it out
of autogenerate (the models do not describe it). The search code that reads these
objects is pdms_core/db/text_search.py, people/search.py and places/search.py.

For each of people and places there are two structures:

* a word index over the row's text: a GIN index on a ``to_tsvector('simple', ...)``
  expression (PostgreSQL) or an external-content FTS5 table (SQLite), so "rows with
  word X" is an index lookup;
* a vocabulary of the distinct words, with a trigram index on it: pg_trgm's GIN on
  PostgreSQL, an FTS5 ``trigram`` table on SQLite. Typo tolerance looks words up in
  this small table, not in a million rows of names.

The vocabulary only grows (``ON CONFLICT DO NOTHING``): counting uses would lock the
row of every common word ("john") for the whole of a bulk import, and deleting unused
words races with concurrent inserts. A stale word costs nothing but a lookup.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c0f7b266162"
down_revision: str | Sequence[str] | None = "ddcd58b5bb56"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (source table, its text expression over row R, word index, vocabulary table, FTS columns)
PERSON_TEXT = "R.forenames || ' ' || R.surname || ' ' || coalesce(R.preferred_name, '')"
PLACE_TEXT = "R.single_line_address"
SOURCES = (
    (
        "person",
        PERSON_TEXT,
        "search_person",
        "search_name_term",
        "forenames, surname, preferred_name",
    ),
    ("place", PLACE_TEXT, "search_place", "search_address_term", "single_line_address"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()


# PostgreSQL ------------------------------------------------------------------------------

# Hyphens become spaces first: the default parser reads "14-16" as 14 and -16 and keeps
# "mary-jane" as a word of its own, while search splits on every non-alphanumeric.
PG_WORDS = """
CREATE FUNCTION search_words(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(word), '{}')
    FROM unnest(tsvector_to_array(to_tsvector('simple', replace(value, '-', ' ')))) AS word
    WHERE word ~ '^[[:alnum:]]+$'
$$
"""


def _upgrade_postgresql() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(PG_WORDS)
    for table, text, index, vocabulary, _columns in SOURCES:
        row_text = text.replace("R.", "")
        op.execute(
            f"CREATE INDEX {index}_words ON {table} USING gin "
            f"(to_tsvector('simple', replace({row_text}, '-', ' ')))"
        )
        op.execute(f"CREATE TABLE {vocabulary} (term text PRIMARY KEY)")
        op.execute(f"CREATE INDEX {vocabulary}_trgm ON {vocabulary} USING gin (term gin_trgm_ops)")
        # Statement-level triggers with a transition table: a COPY of a million rows
        # adds its words in one INSERT ... SELECT, not a million.
        op.execute(
            f"""
            CREATE FUNCTION {vocabulary}_add() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {vocabulary} (term)
                SELECT DISTINCT unnest(search_words({text.replace("R.", "added.")}))
                FROM added
                ON CONFLICT DO NOTHING;
                RETURN NULL;
            END
            $$
            """
        )
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {vocabulary}_on_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {vocabulary}_add()"
            )
        op.execute(
            f"INSERT INTO {vocabulary} (term) "
            f"SELECT DISTINCT unnest(search_words({text.replace('R.', f'{table}.')})) "
            f"FROM {table} ON CONFLICT DO NOTHING"
        )


def _downgrade_postgresql() -> None:
    for table, _text, index, vocabulary, _columns in SOURCES:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {vocabulary}_on_{event} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {vocabulary}_add()")
        op.execute(f"DROP TABLE IF EXISTS {vocabulary}")
        op.execute(f"DROP INDEX IF EXISTS {index}_words")
    op.execute("DROP FUNCTION IF EXISTS search_words(text)")
    # pg_trgm stays: it may have been there before, and other code may use it.


# SQLite ----------------------------------------------------------------------------------

# Characters the FTS5 unicode61 tokenizer treats as separators and names contain, as
# SQL literals; quotes, backslashes and control characters would also break the JSON.
SEPARATORS = (
    *("'-'", "''''", "'.'", "','", "'('", "')'", "'/'", "'&'", """'"'""", r"'\'"),
    *("char(9)", "char(10)", "char(13)"),
)


def _sqlite_words(text: str) -> str:
    """A json_each() source of the lower-cased words of ``text`` (a SQL expression).

    SQLite has no split function and triggers may not use WITH, so the words become a
    JSON array by replace(); text that still is not valid JSON adds no words rather
    than failing the write. lower() folds ASCII only: other letters keep their case in
    the vocabulary, which fuzzy lookup tolerates.
    """
    cleaned = f"lower({text})"
    for literal in SEPARATORS:
        cleaned = f"replace({cleaned}, {literal}, ' ')"
    array = f"""'["' || replace({cleaned}, ' ', '","') || '"]'"""
    return f"json_each(CASE WHEN json_valid({array}) THEN {array} ELSE '[]' END)"


def _upgrade_sqlite() -> None:
    for table, text, index, vocabulary, columns in SOURCES:
        column_list = [c.strip() for c in columns.split(",")]
        new_values = ", ".join(f"new.{c}" for c in column_list)
        old_values = ", ".join(f"old.{c}" for c in column_list)
        add_words = (
            f"INSERT OR IGNORE INTO {vocabulary} (term) SELECT DISTINCT value "
            f"FROM {_sqlite_words(text.replace('R.', 'new.'))} WHERE value <> '';"
        )
        remove_row = (
            f"INSERT INTO {index} ({index}, rowid, {columns}) "
            f"VALUES ('delete', old.id, {old_values});"
        )
        add_row = f"INSERT INTO {index} (rowid, {columns}) VALUES (new.id, {new_values});"
        # The vocabulary has an INTEGER PRIMARY KEY because the FTS5 table finds its
        # rows by rowid, and VACUUM may renumber implicit rowids.
        op.execute(f"CREATE TABLE {vocabulary} (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE)")
        op.execute(
            f"CREATE VIRTUAL TABLE {vocabulary}_gram USING fts5(term, content='{vocabulary}', "
            f"content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {vocabulary}_added AFTER INSERT ON {vocabulary} BEGIN "
            f"INSERT INTO {vocabulary}_gram (rowid, term) VALUES (new.id, new.term); END"
        )
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({columns}, content='{table}', "
            f"content_rowid='id')"
        )
        op.execute(
            f"CREATE TRIGGER {index}_added AFTER INSERT ON {table} BEGIN {add_row} {add_words} END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_changed AFTER UPDATE OF {columns} ON {table} BEGIN "
            f"{remove_row} {add_row} {add_words} END"
        )
        op.execute(f"CREATE TRIGGER {index}_removed AFTER DELETE ON {table} BEGIN {remove_row} END")
        op.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
        op.execute(
            f"INSERT OR IGNORE INTO {vocabulary} (term) SELECT DISTINCT value FROM {table}, "
            f"{_sqlite_words(text.replace('R.', f'{table}.'))} WHERE value <> ''"
        )


def _downgrade_sqlite() -> None:
    for _table, _text, index, vocabulary, _columns in SOURCES:
        for suffix in ("added", "changed", "removed"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
        op.execute(f"DROP TRIGGER IF EXISTS {vocabulary}_added")
        op.execute(f"DROP TABLE IF EXISTS {vocabulary}_gram")
        op.execute(f"DROP TABLE IF EXISTS {vocabulary}")
