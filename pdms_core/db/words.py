"""Words and typo distance for search, in plain Python (no database, no strawberry).

Search is word-based: a query word matches a stored word that is the same, a close
misspelling of it, or a known variant (a nickname, an address abbreviation). Closeness
is an edit distance, because trigram overlap is a poor judge of short words: "jonh"
and "john" share no inner trigram at all.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

# Letters and digits; underscores are word characters to re but not to the FTS5 and
# tsvector tokenizers, whose idea of a word this must follow.
WORD = re.compile(r"[^\W_]+")
#: Swapping two neighbours is the commonest typing slip, so it costs less than other
#: edits: "jonh" is nearer "john" (a swap) than "jon" (a deletion).
TRANSPOSITION_COST = 0.6
#: The longest word typo tolerance is given to. No name or address word is longer (the
#: longest UK place name, Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch,
#: has 58 letters), and a word's one-edit variants number about its length times its
#: alphabet (26 letters plus its own distinct ones): a 500-letter word of 500 distinct
#: characters made half a million 500-character strings (48 s, 2 GB in one search).
#: Longer words are matched exactly or not at all, so the work here stays bounded
#: whatever a caller passes (searches also refuse them: text_search.query_words).
MAX_WORD_LENGTH = 64


def words(text: str | None) -> list[str]:
    """The lower-cased words of ``text``, in order; punctuation separates words."""
    return WORD.findall(text.lower()) if text else []


def allowed_edits(word: str) -> int:
    """How many typos a word may carry and still match (Elasticsearch's "AUTO").

    None for one or two letters, one up to five, two beyond; numbers must be exact,
    since a house number one keystroke away is a different house. None beyond
    ``MAX_WORD_LENGTH`` either: no real word is that long, and the work of finding
    close words grows with the length.
    """
    if len(word) <= 2 or len(word) > MAX_WORD_LENGTH or any(char.isdigit() for char in word):
        return 0
    return 1 if len(word) <= 5 else 2


def distance(a: str, b: str, limit: float = float("inf")) -> float:
    """Optimal string alignment distance, with transpositions at a reduced cost.

    Stops early with a value above ``limit`` once the distance must exceed it.
    """
    if a == b:
        return 0.0
    previous2: list[float] = []
    previous = [float(j) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [float(i)] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0.0 if a[i - 1] == b[j - 1] else 1.0
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, previous2[j - 2] + TRANSPOSITION_COST)
            current[j] = best
        # A later swap can still reach back to the previous row, at its reduced cost.
        if min(min(current), min(previous) + TRANSPOSITION_COST) > limit:
            return min(current)
        previous2, previous = previous, current
    return previous[len(b)]


def similarity(a: str, b: str) -> float:
    """1 for the same word, falling with each edit relative to the longer word."""
    return 1.0 - distance(a, b) / max(len(a), len(b), 1)


def near_similarity(word: str, term: str, *, one_edit: bool = False) -> float | None:
    """``similarity(word, term)`` if ``term`` is within the word's allowed edits, else None.

    ``one_edit`` says the caller already knows ``term`` is exactly one edit away (it
    came from ``one_edit_variants``); then the edit is a swap exactly when the two are
    anagrams, and the quadratic distance is not needed.
    """
    allowed = allowed_edits(word)
    longer = max(len(word), len(term))
    if one_edit:
        swapped = len(word) == len(term) and sorted(word) == sorted(term)
        cost = TRANSPOSITION_COST if swapped else 1.0
    # Each edit adds or removes at most two letters from the set of letters used.
    elif abs(len(word) - len(term)) > allowed or len(set(word) ^ set(term)) > 2 * allowed:
        return None
    else:
        cost = distance(word, term, limit=allowed)
    return 1.0 - cost / longer if allowed and cost <= allowed else None


def one_edit_variants(word: str) -> set[str]:
    """Every string one deletion, swap, substitution or insertion away from ``word``.

    Looking these up exactly in the vocabulary finds every single-typo match, however
    short the word; a trigram index alone misses those (see the module docstring).
    Empty for a word longer than ``MAX_WORD_LENGTH``, so there are never more than
    about 12,000 (65 places x 2 x 90 letters).
    """
    if len(word) > MAX_WORD_LENGTH:
        return set()
    letters = set(string.ascii_lowercase) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {head + tail[1:] for head, tail in splits if tail}
    found |= {head + tail[1] + tail[0] + tail[2:] for head, tail in splits if len(tail) > 1}
    found |= {head + c + tail[1:] for head, tail in splits if tail for c in letters}
    found |= {head + c + tail for head, tail in splits for c in letters}
    found.discard(word)
    return found


def variant_groups(lines: Iterable[str]) -> dict[str, frozenset[str]]:
    """Word -> the other words it is interchangeable with, from one group per line.

    A word in several groups gets the union ("bert": Albert, Herbert, Robert).
    """
    merged: dict[str, set[str]] = {}
    for line in lines:
        group = words(line.split("#", 1)[0])
        for word in group:
            merged.setdefault(word, set()).update(w for w in group if w != word)
    return {word: frozenset(others) for word, others in merged.items()}
