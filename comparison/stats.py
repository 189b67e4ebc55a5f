"""The statistics every finding rests on, in one place: intervals for a median (order
statistics, distribution-free), paired ratios, Clopper and Pearson's interval for a share, and
the two rules that read a ratio with its interval.

* ``outcome`` / ``decided``: the timing protocol's rule for one comparison. A is *faster* only
  when the whole interval of A/B lies below 1, *slower* only when it lies above, otherwise
  *tied* within noise. The speed tables show it.
* ``side``: the verdicts' rule (``verdicts.SIDE_RULE`` states it), which also asks a difference
  worth a claim (``MIN_EFFECT``) and says *the same* only when the whole interval lies within
  that margin of 1; anything else is *unclear*, never the nearest side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

CONFIDENCE = 0.95  # of every interval, and of every "faster" or "slower"
# A difference smaller than this share is no difference worth a claim: "faster" needs the
# ratio's interval clear of 1 *and* its median at least this far below 1.
MIN_EFFECT = 0.10
FASTER, SLOWER, TIED, SAME, UNCLEAR = "faster", "slower", "tied", "same", "unclear"


def coverage(n: int, j: int) -> float:
    """The probability that [x_(j), x_(n+1-j)] (the j-th smallest and largest of n samples)
    holds the true median, for any continuous distribution: 1 - 2 P(Binomial(n, 1/2) < j)."""
    return 1 - 2 * sum(math.comb(n, i) for i in range(j)) / 2**n


def _rank(n: int) -> int:
    """The innermost order statistic whose interval still reaches CONFIDENCE (1 if none)."""
    return max((j for j in range(1, (n + 1) // 2 + 1) if coverage(n, j) >= CONFIDENCE),
               default=1)


# The fewest samples whose full range reaches CONFIDENCE: fewer can decide nothing.
MIN_SAMPLES = next(n for n in range(1, 64) if coverage(n, 1) >= CONFIDENCE)


@dataclass(frozen=True)
class Interval:
    """A median and its interval; ``coverage`` is the interval's true confidence (below
    CONFIDENCE when there were fewer than MIN_SAMPLES samples)."""

    median: float
    low: float
    high: float
    coverage: float


@dataclass(frozen=True)
class Ratio:
    """A ratio as a result stores it: the median, its interval and that interval's coverage."""

    ratio: float
    low: float
    high: float
    coverage: float  # below CONFIDENCE with fewer than MIN_SAMPLES samples

    @classmethod
    def of(cls, found: Interval) -> Ratio:
        return cls(found.median, found.low, found.high, found.coverage)


def median_interval(values: Sequence[float]) -> Interval:
    """The median of ``values`` with its order-statistic interval."""
    ordered = sorted(values)
    n = len(ordered)
    j = _rank(n)
    return Interval(median(ordered), ordered[j - 1], ordered[n - j], coverage(n, j))


def paired_ratio(a: Sequence[float], b: Sequence[float]) -> Interval:
    """time A / time B from samples taken in the same rounds (a[k] beside b[k])."""
    if len(a) != len(b):
        raise ValueError(f"paired samples must come from the same rounds ({len(a)} vs {len(b)})")
    return median_interval([x / y for x, y in zip(a, b)])


def outcome(low: float, high: float) -> str:
    """The one rule for a ratio A/B with its interval: A is faster only when the whole
    interval lies below 1, slower only when it lies above; otherwise tied within noise."""
    return FASTER if high < 1 else SLOWER if low > 1 else TIED


def decided(ratio: Interval) -> str:
    """``outcome`` of a ratio, but tied when too few samples stood behind its interval."""
    return outcome(ratio.low, ratio.high) if ratio.coverage >= CONFIDENCE else TIED


def ahead_from(points: Sequence, outcomes: Sequence[str]):
    """The first point from which A is faster at that point and every larger one; None when
    A is not faster at the largest point. A tie anywhere after a point rules that point out."""
    found = None
    for point, result in reversed(list(zip(points, outcomes))):
        if result != FASTER:
            break
        found = point
    return found


def side(ratio: float, low: float, high: float, coverage: float = 1.0) -> str:
    """Where a time ratio A/B with its interval stands (``SIDE_RULE``)."""
    if coverage < CONFIDENCE:
        return UNCLEAR
    if high < 1 and ratio <= 1 - MIN_EFFECT:
        return FASTER
    if low > 1 and ratio >= 1 + MIN_EFFECT:
        return SLOWER
    if low >= 1 - MIN_EFFECT and high <= 1 + MIN_EFFECT:
        return SAME
    return UNCLEAR


def side_of(c) -> str:
    """``side`` of a comparison: anything with a ``ratio``, its ``low`` and ``high`` ends and
    the ``coverage`` of that interval (``speed.result.Comparison``)."""
    return side(c.ratio, c.low, c.high, c.coverage)


def exact_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Clopper and Pearson's interval for a share k/n: every p under which seeing k or more
    (for the low end) or k or fewer (the high end) of n has a chance above (1 - confidence)/2.
    Exact for any n; a bootstrap of the seeds cannot reach beyond the shares it drew (three
    misses give [0, 0]), this one says what three seeds cannot exclude."""
    tail = (1 - confidence) / 2

    def at_most(j: int, p: float) -> float:  # P(X <= j) for X ~ Binomial(n, p): falls with p
        return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(j + 1))

    def solve(j: int, target: float) -> float:  # the p where at_most(j, p) = target
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if at_most(j, middle) > target else (low, middle)
        return (low + high) / 2

    lower = 0.0 if k == 0 else solve(k - 1, 1 - tail)  # P(X >= k) = tail
    upper = 1.0 if k == n else solve(k, tail)  # P(X <= k) = tail
    return lower, upper
