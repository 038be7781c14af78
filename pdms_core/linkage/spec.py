"""The linkage model's comparisons and blocking rules, defined once.

Each comparison level is written twice, side by side: as a Splink level (SQL, run by
the batch job on DuckDB or Spark) and as a Python test of two feature rows (the online
check, which cannot afford a query engine per request). ``tests/linkage`` checks that
both give the same level for every pair the batch scores. Splink is imported only by
:func:`splink_settings`, so the API process never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jellyfish

Row = dict[str, Any]


def _both(column: str) -> Callable[[Row, Row], bool]:
    return lambda left, right: left[column] is not None and right[column] is not None


def _equal(column: str) -> Callable[[Row, Row], bool]:
    return lambda left, right: left[column] == right[column]


def _shared(column: str) -> Callable[[Row, Row], bool]:
    return lambda left, right: not set(left[column]).isdisjoint(right[column])


def _swapped(left: Row, right: Row) -> bool:
    return left["first_name"] == right["surname"] and left["surname"] == right["first_name"]


def _crossed(left: Row, right: Row) -> bool:
    return left["first_name"] == right["surname"] or left["surname"] == right["first_name"]


def _jaro_winkler(column: str, threshold: float) -> Callable[[Row, Row], bool]:
    return lambda left, right: (
        jellyfish.jaro_winkler_similarity(left[column], right[column]) >= threshold
    )


def _dob_reversed(left: Row, right: Row) -> bool:
    return left["dob"] == right["dob_swapped"]


def _dob_typo(left: Row, right: Row) -> bool:
    return jellyfish.damerau_levenshtein_distance(left["dob"], right["dob"]) <= 1


@dataclass(frozen=True)
class Level:
    label: str
    #: The Splink level, built when Splink is loaded.
    splink: Callable[[Any], Any]
    #: True when two rows fall in this level (given the levels above did not hold).
    holds: Callable[[Row, Row], bool]
    is_null: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]


def _null(column: str) -> Level:
    return Level(
        f"{column} missing",
        lambda cll: cll.NullLevel(column),
        lambda left, right: not _both(column)(left, right),
        is_null=True,
    )


def _else() -> Level:
    return Level("All other comparisons", lambda cll: cll.ElseLevel(), lambda left, right: True)


def _shared_or_null(column: str) -> Callable[[Row, Row], bool]:
    # A level below the null level of another column: these arrays may be missing.
    return lambda left, right: (
        left[column] is not None and right[column] is not None and _shared(column)(left, right)
    )


def _array_level(cll: Any, column: str, label: str) -> Any:
    return cll.ArrayIntersectLevel(column, 1).configure(label_for_charts=label)


_SWAPPED_SQL = "first_name_l = surname_r AND surname_l = first_name_r"
#: Swapped, and one of the two then mistyped or shortened.
_CROSSED_SQL = "first_name_l = surname_r OR surname_l = first_name_r"

COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "forename",
        "First forename",
        (
            _null("first_name"),
            Level(
                "Same forename", lambda cll: cll.ExactMatchLevel("first_name"), _equal("first_name")
            ),
            Level(
                "Forename and surname swapped",
                lambda cll: cll.CustomLevel(_SWAPPED_SQL, "Forename and surname swapped"),
                _swapped,
            ),
            Level(
                "Nickname of the same forename",
                lambda cll: cll.ExactMatchLevel("first_name_canon").configure(
                    label_for_charts="Nickname of the same forename"
                ),
                _equal("first_name_canon"),
            ),
            Level(
                "Forename with a typo",
                lambda cll: cll.JaroWinklerLevel("first_name", 0.9).configure(
                    label_for_charts="Forename with a typo"
                ),
                _jaro_winkler("first_name", 0.9),
            ),
            Level(
                "One name in the other's place",
                lambda cll: cll.CustomLevel(
                    _CROSSED_SQL, "One name in the other's place", "duckdb"
                ),
                _crossed,
            ),
            Level(
                "Another forename in common",
                lambda cll: _array_level(cll, "forename_words", "Another forename in common"),
                _shared_or_null("forename_words"),
            ),
            _else(),
        ),
    ),
    Comparison(
        "surname",
        "Surname",
        (
            _null("surname"),
            Level("Same surname", lambda cll: cll.ExactMatchLevel("surname"), _equal("surname")),
            Level(
                "Forename and surname swapped",
                lambda cll: cll.CustomLevel(_SWAPPED_SQL, "Forename and surname swapped"),
                _swapped,
            ),
            Level(
                "Surname with a typo",
                lambda cll: cll.JaroWinklerLevel("surname", 0.92).configure(
                    label_for_charts="Surname with a typo"
                ),
                _jaro_winkler("surname", 0.92),
            ),
            Level(
                "Part of a double-barrelled surname",
                lambda cll: _array_level(
                    cll, "surname_parts", "Part of a double-barrelled surname"
                ),
                _shared_or_null("surname_parts"),
            ),
            _else(),
        ),
    ),
    Comparison(
        "date_of_birth",
        "Date of birth",
        (
            _null("dob"),
            Level("Same date of birth", lambda cll: cll.ExactMatchLevel("dob"), _equal("dob")),
            Level(
                "Day and month reversed",
                lambda cll: cll.CustomLevel(
                    '"dob_l" = "dob_swapped_r"', "Day and month reversed", "duckdb"
                ),
                lambda left, right: right["dob_swapped"] is not None and _dob_reversed(left, right),
            ),
            Level(
                "Date of birth one keystroke apart",
                lambda cll: cll.DamerauLevenshteinLevel("dob", 1).configure(
                    label_for_charts="Date of birth one keystroke apart"
                ),
                _dob_typo,
            ),
            _else(),
        ),
    ),
    Comparison(
        "address",
        "Address history",
        (
            _null("households"),
            Level(
                "Same address or household landline",
                lambda cll: _array_level(cll, "households", "Same address or household landline"),
                _shared("households"),
            ),
            Level(
                "Lived in the same postcode",
                lambda cll: _array_level(cll, "postcodes", "Lived in the same postcode"),
                _shared_or_null("postcodes"),
            ),
            _else(),
        ),
    ),
    Comparison(
        "contact",
        "Phone numbers and email addresses",
        (
            _null("contacts"),
            Level(
                "A phone number or email in common",
                lambda cll: _array_level(cll, "contacts", "A phone number or email in common"),
                _shared("contacts"),
            ),
            _else(),
        ),
    ),
    Comparison(
        "reference",
        "References from other systems",
        (
            _null("refs"),
            Level(
                "A reference in common",
                lambda cll: _array_level(cll, "refs", "A reference in common"),
                _shared("refs"),
            ),
            Level(
                "Different references of the same kind",
                lambda cll: _array_level(cll, "ref_types", "Different references of the same kind"),
                _shared("ref_types"),
            ),
            _else(),
        ),
    ),
)


#: Pairs the batch job scores: the same blocks the online check looks up with indexes.
BLOCKING_RULES = (
    ("surname_sdx", "dob"),
    ("first_name_canon", "dob"),
    ("surname_sdx", "first_name_canon"),
)
#: Blocking on a shared value of a set (one row per value, exploded by Splink).
EXPLODED_BLOCKING_RULES = ("contacts", "refs", "households")
#: The reversed-birth-date block.
REVERSED_DOB_RULE = "l.dob = r.dob_swapped"
#: Whether two sets share a value, in each backend's SQL.
OVERLAP = {"duckdb": "list_has_any", "spark": "arrays_overlap"}


def training_rules(backend: str) -> list[str]:
    """Pairs EM trains m on, in ``backend``'s SQL. Each leaves some comparisons free to
    be learnt. Twins share a birth date, a surname and a home, and a father and son a
    name and a home: so the blocks that teach the forename and the birth date are pairs
    who also share a personal phone number or email, where such look-alikes are rare
    (otherwise EM learns "one household" instead of "one person")."""
    overlap = OVERLAP[backend]
    return [
        "l.dob = r.dob AND l.first_name_canon = r.first_name_canon",
        f"l.dob = r.dob AND l.surname_sdx = r.surname_sdx AND {overlap}(l.contacts, r.contacts)",
        "l.surname_sdx = r.surname_sdx AND l.first_name_canon = r.first_name_canon "
        f"AND {overlap}(l.contacts, r.contacts)",
    ]


#: Pairs that are surely one person, for the prior (probability two records match).
DETERMINISTIC_RULES = ("l.first_name = r.first_name AND l.surname = r.surname AND l.dob = r.dob",)


def splink_settings() -> Any:
    """Splink's settings for the model (untrained)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons = [
        cl.CustomComparison(
            comparison_levels=[level.splink(cll) for level in comparison.levels],
            output_column_name=comparison.name,
            comparison_description=comparison.description,
        )
        for comparison in COMPARISONS
    ]
    rules = [block_on(*columns) for columns in BLOCKING_RULES]
    rules += [block_on(column, arrays_to_explode=[column]) for column in EXPLODED_BLOCKING_RULES]
    rules.append(REVERSED_DOB_RULE)
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )
