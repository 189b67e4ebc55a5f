"""Rules for the two diagnosis claims, from the ``debugging`` result (planted bugs)."""

from __future__ import annotations

from collections.abc import Callable

from comparison.experiments.debugging.result import Tally
from comparison.report.verdicts import (
    NOT_MEASURED,
    REFUTED,
    SEED_FRAMEWORKS,
    SUPPORTED,
    UNDECIDED,
    Judgement,
    Records,
    combined,
)

FRAMEWORKS = SEED_FRAMEWORKS  # JAX is not in the debugging experiment
DIAGNOSIS_MARGIN = 0.2  # shares of bugs must differ by at least this to decide either way
RULE_HARDER = (f"per framework, of the planted bugs that can occur: the share that pass "
               f"silently (no error, no standard tool catches them) from scratch against the "
               f"framework's; supported if scratch's is higher by at least "
               f"{DIAGNOSIS_MARGIN:.0%} points, refuted if lower by that much, undecided "
               "otherwise (with a dozen bugs, a smaller difference is a bug or two)")
RULE_TOOLS = (f"per framework: the share of planted bugs it reports (an error, or a standard "
              f"tool of its own catches it) against the scratch code's (its own checks); "
              f"supported if higher by at least {DIAGNOSIS_MARGIN:.0%} points, refuted if "
              "lower by that much, undecided otherwise")


def _shares(records: Records, count: Callable[[Tally], int]) -> dict[str, float] | None:
    """Per implementation that ran any bug: the share of those it ran that ``count`` counts."""
    if "debugging" not in records:
        return None
    tallies = records["debugging"].tallies
    return {impl: count(n) / n.measured for impl, n in tallies.items() if n.measured}


def _decide(difference: float) -> str:
    return (SUPPORTED if difference >= DIAGNOSIS_MARGIN else REFUTED
            if difference <= -DIAGNOSIS_MARGIN else UNDECIDED)


def _judge(records: Records, count: Callable[[Tally], int], scratch_minus_framework: bool,
           what: str) -> Judgement:
    shares = _shares(records, count)
    if not shares or "scratch" not in shares:
        return Judgement(NOT_MEASURED, "the debugging experiment did not run")
    scratch = shares["scratch"]
    verdicts, parts, reasons = [], [f"from scratch {scratch:.0%} {what}"], []
    for impl, who in FRAMEWORKS.items():
        if impl in shares:
            share = shares[impl]
            verdicts.append(_decide(scratch - share if scratch_minus_framework
                                    else share - scratch))
            parts.append(f"{who} {share:.0%}")
            reasons.append(f"{who}: within the {DIAGNOSIS_MARGIN:.0%}-point margin")
    return combined(verdicts, ", ".join(parts) + " of the bugs that can occur", reasons)


def harder_from_scratch(records: Records) -> Judgement:
    return _judge(records, lambda n: n.silent, True, "pass silently")


def framework_reports_them(records: Records) -> Judgement:
    return _judge(records, lambda n: n.reported, False,
                  "reported (an error or a standard tool)")
