"""Capability statistics: nearest-rank percentiles and XmR (process behaviour) limits."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

#: The XmR scaling constant: natural process limits sit 2.66 mean moving ranges from
#: the mean (3 sigma, with sigma estimated as mean moving range / 1.128).
XMR_SCALE = 2.66


def nearest_rank(sorted_values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile: the value at rank ceil(percent/100 x n), 1-based.

    Always one of the observed values; None for no values.
    """
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class XmrLimits:
    """Centre line and natural process limits of an individuals (X) chart."""

    mean: float
    mean_moving_range: float
    upper: float
    lower: float


def xmr_limits(values: Sequence[float]) -> XmrLimits | None:
    """Mean, mean moving range and limits (mean +/- 2.66 x mean moving range, lower
    clipped at 0) of ``values`` in time order; None for no values."""
    if not values:
        return None
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in pairwise(values)]
    mean_range = sum(ranges) / len(ranges) if ranges else 0.0
    spread = XMR_SCALE * mean_range
    return XmrLimits(
        mean=mean, mean_moving_range=mean_range, upper=mean + spread, lower=max(0.0, mean - spread)
    )


def moving_ranges(values: Sequence[float]) -> list[float | None]:
    """|x[i] - x[i-1]| for each point; None for the first."""
    return [None, *(abs(b - a) for a, b in pairwise(values))]
