"""What the samples say: paired ratios with their outcomes, crossovers, thread speed-ups, the
noise floor and the square product's yardstick."""

from __future__ import annotations

from comparison import stats
from comparison.experiments.speed.paths import (
    BOOK,
    OPTIONS,
    PATHS,
    POINT_KEYS,
    SCRATCH,
    SPLIT_PATHS,
    TUNED,
)
from comparison.experiments.speed.result import crossover_key


def _pairs(sweep: str) -> list[tuple[str, str]]:
    """(a, b) compared along a sweep: every framework path against the scratch code in its
    dtype, the plain CPU ones also against the tuned scratch code, the tuned code against the
    plain, the book's loop against the same maths as matrix products, and every built-in
    option against the same library without it."""
    if sweep == "conv":
        return [("torch float32", SCRATCH["float32"]), ("keras float32", SCRATCH["float32"])]
    frameworks = [name for name, path in PATHS.items()
                  if path.impl != "scratch" and name not in SPLIT_PATHS]
    pairs = [(name, SCRATCH[PATHS[name].dtype]) for name in frameworks]
    tuned = [(name, TUNED) for name in ("torch float32", "keras float32", "jax float32")]
    return pairs + tuned + [(TUNED, SCRATCH["float32"]), (BOOK, SCRATCH["float64"]),
                            *OPTIONS.items()]


def comparisons(rows: list[dict]) -> list[dict]:
    """Paired ratios time(a) / time(b) at every point both were timed, with the outcome."""
    found = []
    for sweep in POINT_KEYS:
        ok = {(r["path"], r["batch_size"], r["width"]): r for r in rows
              if r["sweep"] == sweep and r["status"] == "ok"}
        for a, b in _pairs(sweep):
            for (path, batch_size, width), row in ok.items():
                other = ok.get((b, batch_size, width))
                if path == a and other:
                    found.append({"sweep": sweep, "batch_size": batch_size, "width": width,
                                  "a": a, "b": b, **_ratio(row["times_s"], other["times_s"])})
    return found


def _ratio(a: list[float], b: list[float]) -> dict:
    ratio = stats.paired_ratio(a, b)
    return {"ratio": ratio.median, "low": ratio.low, "high": ratio.high,
            "coverage": ratio.coverage, "outcome": stats.decided(ratio)}


def crossovers(found: list[dict]) -> dict[str, dict]:
    """For each sweep and pair: where a is faster, where slower, and from which point it
    stays faster (``stats.ahead_from``)."""
    pairs = dict.fromkeys((c["sweep"], c["a"], c["b"]) for c in found)
    result = {}
    for sweep, a, b in pairs:
        key = POINT_KEYS[sweep]
        these = sorted((c for c in found if (c["sweep"], c["a"], c["b"]) == (sweep, a, b)),
                       key=lambda c: c[key])
        points = [c[key] for c in these]
        outcomes = [c["outcome"] for c in these]
        result[crossover_key(sweep, a, b)] = {
            "points": points,
            "faster_at": [p for p, o in zip(points, outcomes) if o == stats.FASTER],
            "slower_at": [p for p, o in zip(points, outcomes) if o == stats.SLOWER],
            "ahead_from": stats.ahead_from(points, outcomes)}
    return result


def thread_speedups(rows: list[dict]) -> list[dict]:
    """On the thread sweep: time with n threads / time with one, paired (below 1: faster)."""
    ok = [r for r in rows if r["sweep"] == "threads" and r["status"] == "ok"]
    one = {(r["path"], r["batch_size"], r["width"]): r for r in ok if r["threads"] == 1}
    return [{"path": r["path"], "batch_size": r["batch_size"], "width": r["width"],
             "threads": r["threads"],
             **_ratio(r["times_s"], one[r["path"], r["batch_size"], r["width"]]["times_s"])}
            for r in ok if r["threads"] > 1 and (r["path"], r["batch_size"], r["width"]) in one]


def noise_floor(rows: list[dict]) -> list[dict]:
    """The same job built and timed twice, half a round apart: do the two agree (their paired
    ratio tied within noise)? If not, the rule would find differences that are not there."""
    found = []
    for twin in (r for r in rows if r["sweep"] == "noise" and r["status"] == "ok"):
        original = next((r for r in rows if r["sweep"] in ("batch", "width")
                         and r["status"] == "ok" and (r["path"], r["batch_size"], r["width"])
                         == (twin["path"], twin["batch_size"], twin["width"])), None)
        if original is None:
            continue
        ratio = _ratio(twin["times_s"], original["times_s"])
        found.append({"path": twin["path"], "batch_size": twin["batch_size"],
                      "width": twin["width"],
                      "first": _interval(original), "second": _interval(twin), **ratio,
                      "agree": ratio["outcome"] == stats.TIED})
    return found


def _interval(row: dict) -> dict:
    return {k: row[k] for k in ("median_s", "low_s", "high_s", "seconds_per_epoch",
                                "epoch_low_s", "epoch_high_s")}


def yardstick(micro: list[dict], threads: int) -> dict:
    """GFLOP/s of the square product per library (medians), and the better one: the peak
    that "of GEMM peak" compares against; on all usable threads and on one."""
    found = {}
    for name, count in (("all_threads", threads), ("one_thread", 1)):
        for dtype in ("float32", "float64"):
            speeds = {r["library"]: r["gflops"] for r in micro
                      if r["kind"] == "square" and (r["dtype"], r["threads"]) == (dtype, count)}
            found.setdefault(name, {})[dtype] = speeds | {"peak": max(speeds.values())}
    return found

