"""Rules for the performance claims, from the ``speed`` result and the GPU record.

Speed is judged on paired ratios with 95% intervals (``experiments/timing.py``): a framework
is *faster* at a point only when the interval of its time over the scratch code's lies below 1.
"""

from __future__ import annotations

from comparison.report.gpu import gpu_speedups
from comparison.report.verdicts import (
    NOT_MEASURED,
    QUALIFIED,
    REFUTED,
    SUPPORTED,
    Judgement,
    Records,
    by_share,
    combine,
    judged,
)

# judged against scratch float32
FAST = {"torch float32": "PyTorch", "keras float32": "Keras", "jax float32": "JAX"}
SCRATCH, BOOK_LOOP, MATRIX = "scratch float32", "book per-example (float64)", "scratch float64"
KEYS = {"batch": "batch_size", "width": "width"}
EFFICIENCY_GAP = 2.0  # "depends on the code": one maths, two ways of writing it, this far apart
RULE_FASTER = ("per framework, on the CPU in float32 at every mini-batch size: supported if it "
               "is faster at every size, refuted if at none, qualified otherwise (faster: the "
               "95% interval of its time / the scratch code's time lies below 1)")
RULE_EFFICIENCY = (f"the book's per-example loop against the same maths as matrix products "
                   f"(float64, the book's mini-batch): supported if the loop is slower by more "
                   f"than {EFFICIENCY_GAP}x (interval), qualified if slower by less, refuted if "
                   "tied")
RULE_LARGER = ("per framework, on the width sweep: the ratio framework time / scratch time at "
               "the widest layer against the narrowest; supported if it fell (intervals apart) "
               "and the framework is faster at the widest, qualified if only one of the two, "
               "refuted if it rose or the framework is slower at the widest, undecided (not "
               "measured) if the intervals overlap and the widest point is tied")
RULE_GPU = ("supported if the GPU (its best path) beats the fastest CPU path of the same machine "
            "at the largest point of both sweeps, refuted if at no point, qualified otherwise")
RULE_BUILT_IN = ("each library's built-in speed options (torch.compile; Keras's XLA and "
                 "steps_per_execution) against the same library without them, at every point "
                 "measured: supported if faster at every point, refuted if at none, qualified "
                 "otherwise")
RULE_EFFICIENT = ("per framework, peak memory and import time against the NumPy code's: "
                  "supported if neither is larger, refuted if both are, qualified otherwise")


def comparisons(speed: dict, sweep: str, a: str, b: str) -> list[dict]:
    """The paired comparisons of path ``a`` with ``b`` along a sweep, smallest point first."""
    found = [c for c in speed.get("comparisons", [])
             if (c["sweep"], c["a"], c["b"]) == (sweep, a, b)]
    return sorted(found, key=lambda c: c[KEYS.get(sweep, "batch_size")])


def ratio_text(c: dict) -> str:
    return f"{c['ratio']:.2f}x [{c['low']:.2f}–{c['high']:.2f}]"


def _measured(speed: dict) -> dict[str, str]:
    return {path: who for path, who in FAST.items() if comparisons(speed, "batch", path, SCRATCH)}


def frameworks_faster(records: Records) -> Judgement:
    speed = records["speed"]
    verdicts, parts = [], []
    for path, who in _measured(speed).items():
        found = comparisons(speed, "batch", path, SCRATCH)
        faster = sum(c["outcome"] == "faster" for c in found)
        verdicts.append(by_share(faster, len(found)))
        parts.append(f"{who} faster at {faster} of {len(found)} sizes (time ratio at "
                     f"mini-batch {found[0]['batch_size']}: {ratio_text(found[0])})")
    if not parts:
        return Judgement(NOT_MEASURED, "this run has no paired speed comparisons")
    return judged(combine(verdicts), "; ".join(parts))


def code_efficiency(records: Records) -> Judgement:
    found = comparisons(records["speed"], "batch", BOOK_LOOP, MATRIX)
    if not found:
        return Judgement(NOT_MEASURED, "the per-example loop was not compared in this run")
    c = found[0]
    verdict = (SUPPORTED if c["low"] > EFFICIENCY_GAP else QUALIFIED if c["outcome"] == "slower"
               else REFUTED)
    return judged(verdict, f"the book's loop takes {ratio_text(c)} the time of the matrix "
                           f"code at mini-batch {c['batch_size']}")


def larger_models(records: Records) -> Judgement:
    speed = records["speed"]
    verdicts, parts = [], []
    for path, who in FAST.items():
        found = comparisons(speed, "width", path, SCRATCH)
        if len(found) < 2:
            continue
        narrow, wide = found[0], found[-1]
        fell, faster = wide["high"] < narrow["low"], wide["outcome"] == "faster"
        rose, slower = wide["low"] > narrow["high"], wide["outcome"] == "slower"
        # Overlapping intervals and a tie say the run could not tell, not that the gap is flat.
        verdicts.append(SUPPORTED if fell and faster else QUALIFIED if fell or faster
                        else REFUTED if rose or slower else NOT_MEASURED)
        parts.append(f"{who}: {ratio_text(narrow)} the scratch time at width "
                     f"{narrow['width']}, {ratio_text(wide)} at {wide['width']}")
    if not parts:
        return Judgement(NOT_MEASURED, "this run has no width comparisons")
    if combine(verdicts) == NOT_MEASURED:
        parts.append("undecided: the ratio neither fell nor rose beyond its intervals")
    return judged(combine(verdicts), "; ".join(parts))


def gpu(records: Records) -> Judgement:
    """This run's GPU rows if it had a GPU, else a run recorded on a GPU machine."""
    speed = records["speed"]
    record = speed if speed["config"].get("gpu") else records.get("speed-gpu")
    if record is None:
        return Judgement(NOT_MEASURED, "no GPU was available to this run and none is recorded")
    found = gpu_speedups(record)
    wins = [f for f in found if f["speedup"] > 1]
    tops = [max((f for f in found if f["sweep"] == s), key=lambda f: f[KEYS[s]])
            for s in KEYS if any(f["sweep"] == s for f in found)]
    verdict = (REFUTED if not wins else SUPPORTED if all(f["speedup"] > 1 for f in tops)
               else QUALIFIED)
    where = "this run" if record is speed else f"recorded {record['provenance']['date_utc'][:10]}"
    if not record.get("current", True):
        where += ", with older code"
    best = max(found, key=lambda f: f["speedup"])
    return judged(verdict, f"{record['config']['gpu']} ({where}): faster than the machine's "
                           f"fastest CPU path at {len(wins)} of {len(found)} points, up to "
                           f"{best['speedup']:.1f}x{_interval_note(found)}")


def built_in_optimisations(records: Records) -> Judgement:
    speed = records["speed"]
    found = [c for c in speed.get("comparisons", [])
             if c["b"] in FAST and c["a"] not in (SCRATCH, c["b"])]
    if not found:
        return Judgement(NOT_MEASURED, "no built-in speed option ran here")
    faster = sum(c["outcome"] == "faster" for c in found)
    options = ", ".join(dict.fromkeys(c["a"] for c in found))
    return judged(by_share(faster, len(found)),
                  f"{options}: faster than without at {faster} of {len(found)} points")


def efficient(records: Records) -> Judgement:
    speed = records["speed"]
    memory, imports = speed["memory"], speed["imports"]
    verdicts, parts = [], []
    for impl, who in (("torch", "PyTorch"), ("keras", "Keras"), ("jax", "JAX")):
        if impl not in memory:
            continue
        larger = (memory[impl]["peak_mb"] > memory["scratch"]["peak_mb"],
                  imports[impl] > imports["scratch"])
        verdicts.append(REFUTED if all(larger) else QUALIFIED if any(larger) else SUPPORTED)
        parts.append(f"{who}: {memory[impl]['peak_mb']:.0f} MB peak, {imports[impl]:.2f} s "
                     "to import")
    return judged(combine(verdicts),
                  f"NumPy: {memory['scratch']['peak_mb']:.0f} MB peak, "
                  f"{imports['scratch']:.2f} s to import; " + "; ".join(parts)
                  + " (medians of repeats)")


def _interval_note(found: list[dict]) -> str:
    """Say so where a record was made before the timing protocol gave intervals."""
    return "" if all(f.get("low") is not None for f in found) else (
        " (medians: this record has no intervals)")
