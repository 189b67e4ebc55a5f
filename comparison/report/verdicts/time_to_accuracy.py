"""The rule for the time-to-accuracy claim, from the ``convergence`` result: the training
seconds each framework needs to reach a test accuracy, against the NumPy code's, paired seed
by seed (the same batch order)."""

from __future__ import annotations

from comparison import stats
from comparison.experiments import convergence
from comparison.report.markdown import ratio_text
from comparison.report.verdicts import (
    FRAMEWORK_NAMES,
    NOT_MEASURED,
    TALLY_RULE,
    Judgement,
    PerFramework,
    Records,
    Tally,
    busy_reason,
    clean_run,
    sentences,
)
from comparison.stats import side_of

RULE = (f"per framework and mini-batch, the training seconds to the highest target accuracy "
        f"over the NumPy code's, paired seed by seed (a 95% interval needs "
        f"{stats.MIN_SAMPLES} seeds): {TALLY_RULE}; undecided if the run was flagged busy")


def faster_to_train(records: Records) -> Judgement:
    """Time to accuracy: the training seconds to the highest target, framework over NumPy,
    paired by seed (same batch order), at each mini-batch."""
    result: convergence.Result = records["convergence"]
    found = PerFramework()
    target = max(r.target for r in result.rows)
    for impl, who in FRAMEWORK_NAMES.items():
        ratios = [r for b in sorted({r.batch_size for r in result.rows})
                  if (r := result.paired_ratio(impl, b, target)) is not None]
        if ratios:
            tally = Tally.of(side_of(r) for r in ratios)
            found.add(impl, sentences(who, [(ratio_text(r), f"mini-batch {r.batch_size}")
                                            for r in ratios]),
                      tally.verdict(), f"{who}: unclear at every mini-batch ({_seeds(ratios)})")
    if not found.parts:
        return Judgement(NOT_MEASURED, "this run has no time-to-accuracy comparisons")
    return found.judgement(f"training seconds to {target:.0%} test accuracy, framework / "
                           "NumPy. ", _gate(result))


def _gate(result: convergence.Result) -> str:
    """Why a time-to-accuracy run cannot decide ('' when the machine was quiet)."""
    if not result.load.busy:
        return ""
    return f"{busy_reason(result.load)}: {clean_run('convergence')}"


def _seeds(ratios: list[convergence.PairedRatio]) -> str:
    n = min(r.seeds for r in ratios)
    short = "" if n >= stats.MIN_SAMPLES else f": a 95% interval needs {stats.MIN_SAMPLES}"
    return f"{n} paired seeds{short}"
