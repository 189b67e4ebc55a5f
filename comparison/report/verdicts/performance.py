"""Rules for the speed claims, from the ``speed`` result and the GPU record (time to accuracy,
from ``convergence``, has its own module: ``time_to_accuracy.py``).

Every comparison is a paired time ratio with its 95% interval (``experiments/harness/timing.py``),
read by one rule (``SIDE_RULE``: faster, slower, the same within the minimum effect, or
unclear) and tallied over every point measured. A run that failed its own quality checks (the
machine flagged busy, a noise floor that disagreed) decides nothing: its claims are undecided
with that reason, and the page says how to get a clean run.
"""

from __future__ import annotations

from dataclasses import dataclass

from comparison.experiments.speed.paths import PATHS as TIMED_PATHS
from comparison.experiments.speed.paths import SWEEP_KEYS, TimedPath, plain
from comparison.experiments.speed.result import Comparison, Result, each_point
from comparison.report.gpu import torch_speedups
from comparison.report.markdown import ratio_text
from comparison.report.speed.products import Throughput, best_throughput
from comparison.report.verdicts import (
    FASTER,
    FRAMEWORK_NAMES,
    MIN_EFFECT,
    NOT_MEASURED,
    QUALIFIED,
    REFUTED,
    SAME,
    SLOWER,
    SUPPORTED,
    TALLY_RULE,
    UNCLEAR,
    UNDECIDED,
    Judgement,
    PerFramework,
    Records,
    Tally,
    busy_reason,
    clean_run,
    combine,
    judged,
    sentences,
    undecided,
)
from comparison.results import machines
from comparison.results.typed import Recorded
from comparison.stats import side, side_of

# judged against scratch float32: the seeds' frameworks decide, JAX is shown beside them
# Each implementation's plain path (float32, on the CPU, no option): the framework as timed.
# A framework the speed experiment does not time is left out of its verdicts.
PATHS = {p.impl: p for p in TIMED_PATHS.values() if plain(p)}
SCRATCH, BOOK_LOOP, MATRIX = (TIMED_PATHS[label] for label in (
    "scratch float32", "book per-example (float64)", "scratch float64"))
# The NumPy code the speed claims are read against: ours as the book writes the maths, and the
# same maths with a careful programmer's habits (in place, subnormals flushed to zero).
BASES = {SCRATCH: "the book-faithful NumPy code",
         TIMED_PATHS["scratch tuned float32"]: "the tuned NumPy code"}
BOTH = ("read against both NumPy codes (the book-faithful matrix code and the tuned one, where "
        "measured): the same verdict against both stands, different verdicts give qualified "
        "(the framework beats NumPy's defaults, not NumPy), undecided if either is")
SWEEPS = ("batch", "width", "conv")  # every point the frameworks were timed against scratch
EFFICIENCY_GAP = 2.0  # "depends on the code": one maths, two ways of writing it, this far apart
GATES = ("undecided if the run was flagged busy or its noise floor disagreed")
RULE_FASTER = (f"per framework, on the CPU in float32, at every point timed against the NumPy "
               f"code (both sweeps and the conv variant), each point read by the ratio rule "
               f"below: {TALLY_RULE}; {BOTH}; {GATES}")
RULE_EFFICIENCY = (f"the book's per-example loop against the same maths as matrix products "
                   f"(float64, the book's mini-batch): supported if the loop is slower and its "
                   f"interval lies above {EFFICIENCY_GAP}x, qualified if slower by less, refuted "
                   f"if the same or faster, undecided if unclear; {GATES}")
RULE_LARGER = ("per framework, on the width sweep: the change of the ratio framework / NumPy "
               "from the narrowest layer to the widest (the widest ratio over the narrowest, "
               "with the most conservative interval the two intervals allow), read by the ratio "
               "rule: supported if it fell and the framework is faster at the widest, qualified "
               "if it fell but the framework is not faster there, refuted if it rose or stayed "
               f"the same, undecided if unclear; {BOTH}; {GATES}")
RULE_GPU = ("PyTorch's CUDA path against the fastest CPU path of the same machine at each "
            "point, read by the ratio rule: supported if faster at the largest point of both "
            "sweeps, qualified if faster elsewhere only, refuted if faster nowhere and slower or "
            "the same somewhere, undecided if unclear everywhere, if the record has no "
            "intervals, was made with older code under another timing protocol (older code "
            "under this protocol counts, as a machine record does), or was flagged busy")
RULE_BUILT_IN = (f"each library's built-in speed options (torch.compile; Keras's XLA and "
                 f"steps_per_execution) against the same library without them, at every point "
                 f"measured: {TALLY_RULE}; {GATES}")
RULE_EFFICIENT = (f"per framework, training efficiency: examples per second per core at its "
                  f"best mini-batch (float32) against the NumPy code's best, read by the ratio "
                  f"rule (paired where both are best at the same mini-batch), and the memory "
                  f"training adds above the import baseline (larger or smaller beyond "
                  f"{MIN_EFFECT:.0%}): supported if more examples per core and "
                  f"no more memory, refuted if no more examples per core and no less memory, "
                  f"qualified if one of the two, undecided if the throughput is unclear; "
                  f"{GATES}; start-up cost (import time) is shown, not judged")


def speed_gate(speed: Result) -> str:
    """Why a timed run cannot decide ('' when its quality checks passed)."""
    reasons = [busy_reason(speed.load)] if speed.load is not None and speed.load.busy else []
    floor = speed.noise_floor or ()
    disagreed = sum(not n.agree for n in floor)
    if disagreed:
        reasons.append(f"its noise floor disagreed at {disagreed} of {len(floor)} points")
    return "; ".join(reasons) + (f": {clean_run('speed')}" if reasons else "")


def timed_frameworks() -> list[tuple[str, str, TimedPath]]:
    """Each framework the speed experiment times: its name, its short name, its plain path."""
    return [(impl, who, PATHS[impl]) for impl, who in FRAMEWORK_NAMES.items() if impl in PATHS]


def comparisons(speed: Result, sweep: str, a: TimedPath, b: TimedPath) -> list[Comparison]:
    """The paired comparisons of path ``a`` with ``b`` along a sweep, smallest point first."""
    return sorted(speed.compared(sweep, a, b), key=lambda c: c.along(sweep))




def every_point(speed: Result, path: TimedPath, base: TimedPath = SCRATCH) -> list[Comparison]:
    """``path`` against the NumPy code ``base`` at every point timed, each point once (the two
    sweeps share a point)."""
    return each_point(c for sweep in SWEEPS for c in comparisons(speed, sweep, path, base))


def _point(c: Comparison) -> str:
    conv = "conv, " if c.sweep == "conv" else ""
    return f"{conv}mini-batch {c.batch_size} × width {c.width}"


def _where(found: list[Comparison]) -> str:
    """Where each side won, when few enough points to list."""
    listed = [f"{wanted} at {', '.join(points)}" for wanted in (FASTER, SLOWER)
              if 0 < len(points := [_point(c) for c in found if side_of(c) == wanted]) <= 3]
    return f" ({'; '.join(listed)})" if listed else ""


def frameworks_faster(records: Records) -> Judgement:
    speed, found = records["speed"], PerFramework()
    for impl, who, path in timed_frameworks():
        read = {label: points for base, label in BASES.items()
                if (points := every_point(speed, path, base))}
        if read:
            tallies = {label: Tally.of(side_of(c) for c in points)
                       for label, points in read.items()}
            found.add(impl, f"{who}: " + "; ".join(
                          f"against {label}, {tallies[label].text()}{_where(points)}"
                          for label, points in read.items()),
                      combine([t.verdict() for t in tallies.values()]),
                      f"{who}: every point unclear against " + " and ".join(
                          label for label, t in tallies.items() if t.verdict() == UNDECIDED))
    if not found.parts:
        return Judgement(NOT_MEASURED, "this run has no paired speed comparisons")
    return found.judgement(gate=speed_gate(speed))


def code_efficiency(records: Records) -> Judgement:
    speed = records["speed"]
    found = comparisons(speed, "batch", BOOK_LOOP, MATRIX)
    if not found:
        return Judgement(NOT_MEASURED, "the per-example loop was not compared in this run")
    c = found[0]
    number = (f"the book's loop takes {ratio_text(c)} the time of the matrix code at "
              f"mini-batch {c.batch_size}")
    if gate := speed_gate(speed):
        return undecided(gate, number)
    where = side_of(c)
    if where == UNCLEAR:
        return undecided("the interval is unclear against the minimum effect", number)
    verdict = (SUPPORTED if where == SLOWER and c.low > EFFICIENCY_GAP
               else QUALIFIED if where == SLOWER else REFUTED)
    return judged(verdict, number)


def larger_models(records: Records) -> Judgement:
    speed, found = records["speed"], PerFramework()
    for impl, who, path in timed_frameworks():
        read = [_widened(points, f"{who} against {label}") for base, label in BASES.items()
                if len(points := comparisons(speed, "width", path, base)) >= 2]
        if read:
            found.add(impl, ". ".join(text for _, text, _ in read),
                      combine([verdict for verdict, _, _ in read]),
                      "; ".join(why for verdict, _, why in read if verdict == UNDECIDED))
    if not found.parts:
        return Judgement(NOT_MEASURED, "this run has no width comparisons")
    return found.judgement(gate=speed_gate(speed))


@dataclass(frozen=True)
class Change:
    """How a ratio moved along the width sweep: the widest ratio over the narrowest, with the
    most conservative interval the two intervals allow (its coverage is theirs: taken as met)."""

    ratio: float
    low: float
    high: float
    coverage: float = 1.0


def _widened(points: list[Comparison], who: str) -> tuple[str, str, str]:
    """(verdict, the two ends as sentences, why it would be undecided) for one framework
    against one NumPy code along the width sweep."""
    narrow, wide = points[0], points[-1]
    change = Change(wide.ratio / narrow.ratio, wide.low / narrow.high, wide.high / narrow.low)
    fell, faster = side_of(change), side_of(wide) == FASTER
    verdict = (SUPPORTED if fell == FASTER and faster else QUALIFIED if fell == FASTER
               else REFUTED if fell in (SLOWER, SAME) else UNDECIDED)
    ends = sentences(who, [(ratio_text(c), f"width {c.width}") for c in (narrow, wide)],
                     "the NumPy time")
    return verdict, ends, f"{who}: the change {ratio_text(change)} is unclear"


def gpu(records: Records) -> Judgement:
    """This run's GPU rows if it had a GPU, else a run recorded on a GPU machine."""
    speed: Result = records["speed"]
    recorded: Recorded | None = records.get("speed-gpu")
    if speed.config.gpu:
        result, where, current = speed, "this run", True
    elif recorded is not None:
        result, current = recorded.result, recorded.current
        where = f"recorded {recorded.provenance['date_utc'][:10]}" + (
            "" if current else " with older code, under this timing protocol")
    else:
        return Judgement(NOT_MEASURED, "no GPU was available to this run and none is recorded")
    found = torch_speedups(result)
    if not found:
        return Judgement(NOT_MEASURED, "the GPU record has no PyTorch CUDA rows")
    best = max(found, key=lambda f: f.speedup)
    number = (f"{result.config.gpu} ({where}): up to {best.speedup:.1f}x the speed of "
              "the machine's fastest CPU path")
    if not current and not machines.same_protocol(recorded.provenance):
        return undecided("the record was made with older code, under another timing "
                         "protocol", number)
    if any(f.low is None for f in found):
        return undecided("the record has medians without intervals", number)
    if gate := speed_gate(result):
        return undecided(gate, number)
    sides = {id(f): side(1 / f.speedup, 1 / f.high, 1 / f.low, f.coverage) for f in found}
    tally = Tally.of(sides[id(f)] for f in each_point(found))
    tops = [max((f for f in found if f.sweep == s), key=lambda f: f.gpu.along(s))
            for s in SWEEP_KEYS if any(f.sweep == s for f in found)]
    number += f"; GPU {tally.text()}"
    if tally.verdict() == QUALIFIED and all(sides[id(f)] == FASTER for f in tops):
        return judged(SUPPORTED, number)
    if tally.verdict() == UNDECIDED:
        return undecided("every point is unclear", number)
    return judged(tally.verdict(), number)


def built_in_optimisations(records: Records) -> Judgement:
    speed: Result = records["speed"]
    found = speed.options()
    if not found:
        return Judgement(NOT_MEASURED, "no built-in speed option ran here")
    tally = Tally.of(side_of(c) for c in found)
    options = ", ".join(dict.fromkeys(c.a for c in found))
    number = f"{options} against the same library without: {tally.text()}"
    if gate := speed_gate(speed):
        return undecided(gate, number)
    if tally.verdict() == UNDECIDED:
        return undecided("every point is unclear", number)
    return judged(tally.verdict(), number)


def efficient(records: Records) -> Judgement:
    speed, found = records["speed"], PerFramework()
    memory, imports = speed.memory, speed.imports
    scratch = best_throughput(speed, SCRATCH)
    if scratch is None:
        return Judgement(NOT_MEASURED, "this run timed no mini-batch sweep")
    for impl, who, path in timed_frameworks():
        mine = best_throughput(speed, path)
        if mine is None or impl not in memory:
            continue
        throughput = _throughput(speed, impl, mine, scratch)
        added = memory[impl].training_mb / max(memory["scratch"].training_mb, 1e-9)
        found.add(impl, f"{who}: {mine.per_core:,.0f} examples/s per core at mini-batch "
                        f"{mine.batch_size} ({throughput}), "
                        f"{memory[impl].training_mb:.0f} MB for training, "
                        f"{imports[impl]:.2f} s to import",
                  _efficiency(throughput, added > 1 + MIN_EFFECT, added < 1 - MIN_EFFECT),
                  f"{who}: throughput unclear")
    return found.judgement(f"NumPy: {scratch.per_core:,.0f} examples/s per core at "
                           f"mini-batch {scratch.batch_size}, "
                           f"{memory['scratch'].training_mb:.0f} MB for training, "
                           f"{imports['scratch']:.2f} s to import (start-up cost, not judged); ",
                           speed_gate(speed))


def _throughput(speed: Result, impl: str, mine: Throughput, scratch: Throughput) -> str:
    """``side`` of the time per example at each one's best mini-batch: the paired ratio
    where both are best at the same one, else the two intervals' most conservative ratio."""
    if mine.batch_size == scratch.batch_size:
        paired = [c for c in comparisons(speed, "batch", PATHS[impl], SCRATCH)
                  if c.batch_size == mine.batch_size]
        if paired:
            return side_of(paired[0])
    return side(mine.per_example / scratch.per_example, mine.low / scratch.high,
                mine.high / scratch.low)


def _efficiency(throughput: str, more_memory: bool, less_memory: bool) -> str:
    if throughput == UNCLEAR:
        return UNDECIDED
    if throughput == FASTER:
        return SUPPORTED if not more_memory else QUALIFIED
    return REFUTED if not less_memory else QUALIFIED

