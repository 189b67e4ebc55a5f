"""How one ratio or one epoch of the speed result reads in a table cell or a sentence. Every
other module of this page words its findings through these."""

from __future__ import annotations

from dataclasses import dataclass

from comparison import stats
from comparison.experiments.speed.paths import PATHS, POINT_KEYS, SCRATCH, TimedPath
from comparison.experiments.speed.result import Comparison, Row, ThreadSpeedup
from comparison.report.markdown import ratio_text

LABELS = {"batch": "mini-batch", "width": "width", "conv": "mini-batch"}

KEYS = POINT_KEYS  # each sweep's varying field


NUMPY_TIME, NUMPY_STEP = "the NumPy code's time", "the NumPy step's time"


PYTORCH_TIME = "PyTorch's"


OUTCOME_WORDS = {stats.FASTER: "faster", stats.SLOWER: "slower",
                 stats.TIED: "tied within noise"}


OLD_PROTOCOL = "recorded with the old protocol: no intervals, no noise floor, no load record"


@dataclass(frozen=True)
class Paired:
    """A paired time ratio worked out here from two jobs' samples, decided by the protocol's
    rule (the stored comparisons and thread speed-ups read the same way)."""

    ratio: float
    low: float
    high: float
    outcome: str

    @classmethod
    def of(cls, a: Row, b: Row) -> Paired:
        """Job ``a``'s time over job ``b``'s, paired round by round."""
        found = stats.paired_ratio(a.times_s, b.times_s)
        return cls(found.median, found.low, found.high, stats.decided(found))


Decided = Comparison | ThreadSpeedup | Paired  # a ratio, its interval and its outcome


def verdict_text(c: Decided | None) -> str:
    return "—" if c is None else f"{ratio_text(c)}, {OUTCOME_WORDS[c.outcome]}"


def takes(c: Decided | None, whose: str) -> str:
    """A ratio in a sentence: "1.35x [1.28–1.41] the NumPy code's time (slower)"."""
    if c is None:
        return f"an unmeasured share of {whose}"
    return f"{ratio_text(c)} {whose} ({OUTCOME_WORDS[c.outcome]})"


def epoch_text(r: Row) -> str:
    """Seconds per 50,000-example epoch with its interval (old records: min–max)."""
    if r.epoch_low_s is not None:
        return f"{r.seconds_per_epoch:.3f} [{r.epoch_low_s:.3f}–{r.epoch_high_s:.3f}]"
    scale = r.seconds_per_epoch / r.median_s
    return f"{r.seconds_per_epoch:.3f} (min–max {r.min_s * scale:.3f}–{r.max_s * scale:.3f})"


def baseline_of(path: TimedPath) -> TimedPath:
    """What a path is compared with in the sweep tables: the scratch code in its dtype."""
    return PATHS[SCRATCH[path.dtype]]


def points_text(points: tuple[int, ...] | list[int]) -> str:
    return ", ".join(map(str, points)) or "—"
