"""place search vector column

Revision ID: a7d3e5c1b902
Revises: 5c2f0b7d9e41
Create Date: 2026-12-01 00:40:00.000000

PostgreSQL only: each place's words (the tsvector its word index holds) are stored in a
generated column, ``search_vector``, and the word index is built on that column instead
of on the expression. The words are the same, so search finds the same places; what
changes is how often they are computed. With the expression index, a bulk load that
builds the index at the end computed every row's tsvector twice there (once for the
index, once more for the vocabulary's ``ts_stat``), after the last row was in; now each
row's is computed once, as the row is written, which a gazetteer import overlaps with
parsing its file (docs/gazetteer.md, *Speed*).

Adding a stored generated column rewrites ``place`` and computes every row's words, under
a lock that keeps others out of the table until it is done: on a database that already
holds a national supply, run it when nobody needs places.

SQLite keeps its FTS5 index; nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a7d3e5c1b902"
down_revision: str | Sequence[str] | None = "5c2f0b7d9e41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What the search migration's index is on; the column holds exactly this.
WORDS = "to_tsvector('simple', replace(single_line_address, '-', ' '))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE place ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({WORDS}) STORED"
    )
    op.execute("DROP INDEX search_place_words")
    op.execute("CREATE INDEX search_place_words ON place USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX search_place_words")
    op.execute("ALTER TABLE place DROP COLUMN search_vector")
    op.execute(f"CREATE INDEX search_place_words ON place USING gin ({WORDS})")
