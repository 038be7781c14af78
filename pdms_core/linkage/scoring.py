"""Scoring pairs with a saved model, and explaining a score.

A match weight is the prior's weight plus each comparison's ``log2(m / u)`` for the
level the pair falls in (Splink's waterfall); a null level adds nothing. The batch job
takes the level from Splink and the online check from :mod:`spec`'s Python tests, and
both explain a pair here, from the same saved parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pdms_core.linkage.spec import COMPARISONS, Row


@dataclass(frozen=True)
class Weights:
    """A saved model's parameters, read once: the prior and each level's weight."""

    prior: float
    #: Comparison index -> level index (as in ``spec.COMPARISONS``) -> weight.
    levels: tuple[tuple[float, ...], ...]

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> Weights:
        prior = model["probability_two_random_records_match"]
        by_name = {c["output_column_name"]: c for c in model["comparisons"]}
        levels = []
        for comparison in COMPARISONS:
            saved = by_name[comparison.name]["comparison_levels"]
            if len(saved) != len(comparison.levels):
                raise ValueError(f"the saved model's {comparison.name} levels do not match")
            levels.append(tuple(_weight(level) for level in saved))
        return cls(math.log2(prior / (1 - prior)), tuple(levels))


def _weight(level: dict[str, Any]) -> float:
    m, u = level.get("m_probability"), level.get("u_probability")
    if level.get("is_null_level") or not m or not u:
        # Splink's default for a level never seen in training: no evidence either way.
        return 0.0
    return math.log2(m / u)


def level_index(comparison_index: int, gamma: int) -> int:
    """Splink's comparison vector value -> the level's index: -1 is the null level
    (first), then the highest value is the first level after it."""
    levels = COMPARISONS[comparison_index].levels
    if gamma == -1:
        return 0
    return len(levels) - 1 - gamma


def gamma_of(comparison_index: int, level: int) -> int:
    levels = COMPARISONS[comparison_index].levels
    return -1 if levels[level].is_null else len(levels) - 1 - level


def python_levels(left: Row, right: Row) -> list[int]:
    """The level of each comparison for two feature rows, first that holds."""
    return [
        next(i for i, level in enumerate(comparison.levels) if level.holds(left, right))
        for comparison in COMPARISONS
    ]


def probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0**-weight)


def explain(weights: Weights, levels: list[int]) -> tuple[float, list[dict[str, Any]]]:
    """The total match weight and the waterfall: the prior, then each comparison."""
    steps = [
        {
            "comparison": "prior",
            "description": "Two records chosen at random",
            "level": "",
            "weight": round(weights.prior, 3),
        }
    ]
    total = weights.prior
    for index, (comparison, level) in enumerate(zip(COMPARISONS, levels, strict=True)):
        weight = weights.levels[index][level]
        total += weight
        steps.append(
            {
                "comparison": comparison.name,
                "description": comparison.description,
                "level": comparison.levels[level].label,
                "weight": round(weight, 3),
            }
        )
    return total, steps
