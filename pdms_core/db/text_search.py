"""Typo-tolerant, ranked word search over the indexes of the search migration.

A search runs in two statements, whatever the number of rows:

1. **Vocabulary.** Each query word is looked up in the table of distinct stored words:
   exactly for all of its one-edit variants (so single typos are always found, even in
   four-letter names), and through the trigram index for longer words that may carry
   two typos. Python keeps the words within the allowed edit distance and gives each
   points for how close it is; variants (nicknames, abbreviations) join with fewer.
2. **Rows.** The rows holding, for every query word, one of its matching words (all but
   one word when there are three or more, so one stray word does not empty the
   result) come from the word index: a tsvector GIN index on PostgreSQL, FTS5 on
   SQLite. The score is computed in SQL from which words each row holds, so ordering
   by (score, id) and keyset cursors work in the database and pages never overlap.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE

from pdms_core.db.words import (
    MAX_WORD_LENGTH,
    WORD,
    allowed_edits,
    near_similarity,
    one_edit_variants,
    words,
)
from pdms_core.errors import ValidationFailed

#: Longer queries are cut: each word multiplies the work, and no name or address
#: needs more to be found.
MAX_WORDS = 6
#: More words than this are refused rather than cut. A whole postal address pasted in
#: ("Flat 12, Riverside Court, 14 High Street, Lower Testbury, Testtown, Testshire,
#: AB1 2CD": 13 words) must still work; text of more words is neither name nor address.
MAX_QUERY_WORDS = 16
#: Matching words kept per query word, best first.
MAX_TERMS = 12
#: Trigram neighbours fetched per long word, before the edit-distance check.
TRIGRAM_NEIGHBOURS = 30
EXACT, VARIANT, INITIAL = 1000, 900, 600
#: Characters that separate words in the stored text, as the indexes see it.
SEPARATORS = ("-", "'", ".", ",", "(", ")", "/", "&")


@dataclass(frozen=True)
class WordIndex:
    """The search objects for one table, as the search migration created them."""

    table: str
    #: The row's text as SQL over the table's columns; the PostgreSQL word index is on
    #: exactly this expression, so the two must not drift apart.
    text_sql: str
    fts: str
    vocabulary: str
    #: PostgreSQL: the stored column holding the tsvector of ``text_sql``, when the word
    #: index is on that column rather than on the expression (place's is, see the
    #: place search vector migration).
    vector_sql: str | None = None


@dataclass(frozen=True)
class Term:
    """A stored word that answers a query word, and how well (0-1000 points)."""

    word: str
    points: int
    prefix: bool = False


@dataclass(frozen=True)
class WordGroup:
    """One query word: the stored words that answer it, best first."""

    terms: list[Term]
    #: False when nothing stored answers the word, not even itself. Such a word is
    #: not required, so a mangled "Lo" does not empty the search for "Lo Aberilng".
    known: bool


def query_words(text: str | None, field: str) -> list[str]:
    """The words to search for in ``text``: the first ``MAX_WORDS`` of them.

    Text of more than ``MAX_QUERY_WORDS`` words, or with a word longer than
    ``MAX_WORD_LENGTH`` characters, is refused with a VALIDATION error on ``field``
    (camelCase): neither is a name or an address, and long words are what made the
    typo variants explode.
    """
    found = words(text)
    if len(found) > MAX_QUERY_WORDS:
        raise ValidationFailed(f"Search for at most {MAX_QUERY_WORDS} words.", field=field)
    if any(len(word) > MAX_WORD_LENGTH for word in found):
        raise ValidationFailed(
            f"Search words are at most {MAX_WORD_LENGTH} characters.", field=field
        )
    return found[:MAX_WORDS]


async def expand(
    session: AsyncSession,
    index: WordIndex,
    query_words: list[str],
    variants: dict[str, frozenset[str]],
    *,
    initials: bool = False,
) -> list[WordGroup]:
    """For each query word, the stored words that answer it, best first."""
    looked_up = [w for w in query_words if not (initials and len(w) == 1)]
    found = await _vocabulary_matches(session, index, looked_up)
    groups = []
    for word in query_words:
        if word not in found:
            groups.append(WordGroup([Term(word, INITIAL, prefix=True)], known=True))
            continue
        # The word itself always counts: FTS5 folds accents the vocabulary keeps.
        points = {word: EXACT}
        for term, one_edit in found[word].items():
            close = 1.0 if term == word else near_similarity(word, term, one_edit=one_edit)
            if close is not None:
                points[term] = max(points.get(term, 0), round(close * EXACT))
        # Variants of the word as typed only: those of its corrections too ("jonh" ->
        # john -> jack) would widen every misspelt search for little gain.
        for other in variants.get(word, ()):
            points.setdefault(other, VARIANT)
        ranked = sorted(points.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS]
        known = word in found[word] or len(points) > 1
        groups.append(WordGroup([Term(term, score) for term, score in ranked], known))
    return groups


async def _vocabulary_matches(
    session: AsyncSession, index: WordIndex, query_words: list[str]
) -> dict[str, dict[str, bool]]:
    """Query word -> stored words that may answer it -> whether known to be one edit.

    The word itself is looked up too, so the caller knows whether it is stored.
    """
    found: dict[str, dict[str, bool]] = {word: {} for word in query_words}
    if not query_words:
        return found
    edits = {word: one_edit_variants(word) for word in query_words if allowed_edits(word)}
    vocabulary = table(index.vocabulary, column("term", String))
    postgres = session.get_bind().dialect.name == "postgresql"
    # A join from the candidate list, so each is one primary-key probe. (On PostgreSQL
    # "term = ANY(...)" may be planned on the trigram index, which also answers "=",
    # at a cost of milliseconds per candidate.)
    candidates = sorted(set(query_words).union(*edits.values()))
    if postgres:
        listed = func.unnest(bindparam("candidates", candidates, ARRAY(String)))
        listed = listed.table_valued("value").render_derived(name="candidate")
    else:
        listed = func.json_each(bindparam("candidates", json.dumps(candidates)))
        listed = listed.table_valued("value").alias("candidate")
    probes: list[Select[Any]] = [
        select(vocabulary.c.term, literal(-1).label("probe")).join(
            listed, vocabulary.c.term == listed.c.value
        )
    ]
    long_words = [w for w in query_words if allowed_edits(w) > 1]
    for n, word in enumerate(long_words):
        probes.append(_trigram_probe(index, vocabulary, word, n, postgres))
    for term, probe in await session.execute(union(*probes)):
        if not WORD.fullmatch(term):
            continue
        if probe >= 0:  # a trigram neighbour of that word, of unknown distance
            found[long_words[probe]].setdefault(term, False)
        if term in found:
            found[term][term] = True
        for word, variants in edits.items():
            if term in variants:
                found[word][term] = True
    return found


def _trigram_probe(
    index: WordIndex, vocabulary: Any, word: str, n: int, postgres: bool
) -> Select[Any]:
    name = f"w{n}"
    if postgres:
        value = bindparam(name, word, String)
        nearest = (
            select(vocabulary.c.term)
            .where(vocabulary.c.term.op("%")(value))
            .order_by(vocabulary.c.term.op("<->")(value))
            .limit(TRIGRAM_NEIGHBOURS)
        )
    else:
        grams = " OR ".join(f'"{word[i : i + 3]}"' for i in range(len(word) - 2))
        nearest = select(vocabulary.c.term).where(
            literal_column("id").in_(
                text(
                    f"SELECT rowid FROM {index.vocabulary}_gram WHERE "
                    f"{index.vocabulary}_gram MATCH :{name} ORDER BY rank LIMIT :{name}_n"
                ).bindparams(**{name: grams, f"{name}_n": TRIGRAM_NEIGHBOURS})
            )
        )
    return select(nearest.subquery().c.term, literal(n).label("probe"))


def required_sets(groups: list[WordGroup]) -> list[list[WordGroup]]:
    """Which groups a row must all match: every known one, or all but one from three up."""
    known = [group for group in groups if group.known]
    if len(known) < 3:
        return [known] if known else []
    return [list(combo) for combo in itertools.combinations(known, len(known) - 1)]


def words_sql(text_sql: str, stored: str | None = None) -> str:
    """PostgreSQL: the words (tsvector) of ``text_sql`` as the word indexes hold them,
    hyphens read as spaces; or ``stored``, a column that holds exactly those."""
    return stored or f"to_tsvector('simple', replace({text_sql}, '-', ' '))"


def word_match(session: AsyncSession, index: WordIndex, groups: list[WordGroup]) -> Any:
    """A WHERE clause: the row holds a word of every required group (index lookup)."""
    required = required_sets(groups)
    if not required:
        return false()
    if session.get_bind().dialect.name == "postgresql":
        query = " | ".join(
            "(" + " & ".join(_tsquery_any(group) for group in combo) + ")" for combo in required
        )
        vector = words_sql(index.text_sql, index.vector_sql)
        return text(f"{vector} @@ to_tsquery('simple', :{index.fts}_query)").bindparams(
            **{f"{index.fts}_query": query}
        )
    query = " OR ".join(
        "(" + " AND ".join(_fts5_any(group) for group in combo) + ")" for combo in required
    )
    return text(
        f"{index.table}.id IN (SELECT rowid FROM {index.fts} WHERE {index.fts} "
        f"MATCH :{index.fts}_query)"
    ).bindparams(**{f"{index.fts}_query": query})


def _tsquery_any(group: WordGroup) -> str:
    terms = (f"'{t.word}'" + (":*" if t.prefix else "") for t in group.terms)
    return "(" + " | ".join(terms) + ")"


def _fts5_any(group: WordGroup) -> str:
    return "(" + " OR ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in group.terms) + ")"


def candidates(
    index: WordIndex,
    id_column: ColumnElement[int],
    where: list[Any],
    **texts: str,
) -> CTE:
    """The rows that ``where`` selects, with their text prepared for scoring.

    Columns: ``id``, ``words`` (the row's text spaced for word tests, see
    ``holds``), ``length``, and one spaced column per extra SQL text in ``texts``.
    MATERIALIZED, because neither database shares repeated expressions: inlined,
    the text would be lower-cased and cleaned again for every word test of the score.
    """
    columns = [
        id_column.label("id"),
        spaced_words(index.text_sql).label("words"),
        literal_column(f"length({index.text_sql})", Integer).label("length"),
        *(spaced_words(sql).label(name) for name, sql in texts.items()),
    ]
    return select(*columns).where(*where).cte("search_candidate").prefix_with("MATERIALIZED")


def spaced_words(sql_text: str) -> ColumnElement[str]:
    """`` word word `` (lower case, separators as spaces) for LIKE '% word %' tests."""
    cleaned = f"lower({sql_text})"
    for char in SEPARATORS:
        cleaned = f"replace({cleaned}, '{char.replace(chr(39), chr(39) * 2)}', ' ')"
    return literal_column(f"(' ' || {cleaned} || ' ')", String)


def holds(spaced: ColumnElement[str], term: Term) -> ColumnElement[bool]:
    """The spaced text contains ``term`` as a whole word (or as a word's start)."""
    return spaced.like(f"% {term.word}%" if term.prefix else f"% {term.word} %")


def word_points(spaced: ColumnElement[str], groups: list[WordGroup]) -> ColumnElement[int]:
    """Sum over query words of the points of the best word the row holds (0 if none)."""
    total: ColumnElement[int] | None = None
    for group in groups:
        best = case(*((holds(spaced, t), t.points) for t in group.terms), else_=0)
        total = best if total is None else total + best
    assert total is not None
    return total


def any_term_held(spaced: ColumnElement[str], groups: list[WordGroup]) -> ColumnElement[bool]:
    """The text holds a word answering any query word."""
    return or_(*(holds(spaced, t) for group in groups for t in group.terms))


def rank_score(
    points: ColumnElement[int], bonus: ColumnElement[int] | int, length: ColumnElement[int]
) -> ColumnElement[int]:
    """One integer per row, so keyset cursors compare exactly (no float rounding).

    Word points dominate; the bonus breaks ties between equally close matches; then
    shorter text wins ("John Smith" before "John Paul Smith"), then the lower id.
    """
    capped = case((length > 99, 99), else_=length)
    return (points * 10 + bonus) * 100 - capped


def keyset_after(
    score: ColumnElement[int], id_column: ColumnElement[int], key: list[int]
) -> ColumnElement[bool]:
    """Rows after ``key`` in (score descending, id ascending) order."""
    return or_(score < key[0], and_(score == key[0], id_column > key[1]))
