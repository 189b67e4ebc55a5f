"""The speed record's rows and comparisons, and how one ratio or one epoch reads in a table
cell or a sentence. Every other module of this page words its findings through these."""

from __future__ import annotations

from comparison.experiments.harness import timing
from comparison.experiments.speed.paths import PATHS as TIMED_PATHS
from comparison.experiments.speed.paths import POINT_KEYS, SCRATCH
from comparison.report.markdown import ratio_text

LABELS = {"batch": "mini-batch", "width": "width", "conv": "mini-batch"}

KEYS = POINT_KEYS  # each sweep's varying field


NUMPY_TIME, NUMPY_STEP = "the NumPy code's time", "the NumPy step's time"


PYTORCH_TIME = "PyTorch's"


OUTCOME_WORDS = {timing.FASTER: "faster", timing.SLOWER: "slower",
                 timing.TIED: "tied within noise"}


OLD_PROTOCOL = "recorded with the old protocol: no intervals, no noise floor, no load record"


def new_protocol(record: dict) -> bool:
    return "comparisons" in record


def ok_rows(record: dict, sweep: str) -> list[dict]:
    return [r for r in record["rows"] if r["sweep"] == sweep and r["status"] == "ok"]


def find(record: dict, sweep: str, a: str, b: str, **point) -> dict | None:
    """The comparison of ``a`` with ``b`` on ``sweep`` at ``point``, if it was made."""
    return next((c for c in record.get("comparisons", []) if (c["sweep"], c["a"], c["b"])
                 == (sweep, a, b) and all(c[k] == v for k, v in point.items())), None)




def verdict_text(c: dict | None) -> str:
    return "—" if c is None else f"{ratio_text(c)}, {OUTCOME_WORDS[c['outcome']]}"


def takes(c: dict | None, whose: str) -> str:
    """A ratio in a sentence: "1.35x [1.28–1.41] the NumPy code's time (slower)"."""
    if c is None:
        return f"an unmeasured share of {whose}"
    return f"{ratio_text(c)} {whose} ({OUTCOME_WORDS[c['outcome']]})"


def epoch_text(r: dict) -> str:
    """Seconds per 50,000-example epoch with its interval (old records: min–max)."""
    if "epoch_low_s" in r:
        return f"{r['seconds_per_epoch']:.3f} [{r['epoch_low_s']:.3f}–{r['epoch_high_s']:.3f}]"
    scale = r["seconds_per_epoch"] / r["median_s"]
    return (f"{r['seconds_per_epoch']:.3f} (min–max {r['min_s'] * scale:.3f}–"
            f"{r['max_s'] * scale:.3f})")


def baseline_of(path: str) -> str:
    """What a path is compared with in the sweep tables: the scratch code in its dtype."""
    return SCRATCH[TIMED_PATHS[path].dtype]


def as_comparison(ratio: timing.Interval) -> dict:
    return {"ratio": ratio.median, "low": ratio.low, "high": ratio.high,
            "outcome": timing.decided(ratio)}


def points_text(points: list) -> str:
    return ", ".join(map(str, points)) or "—"
