"""Rules for the ease-of-use claims, from the ``code`` result (lines per job)."""

from __future__ import annotations

from comparison.experiments.code import FORWARD_ROLE, UPDATE_ROLE, Result
from comparison.report.verdicts import (
    BY_DEFINITION,
    FRAMEWORK_NAMES,
    NOT_MEASURED,
    QUALIFIED,
    REFUTED,
    SEED_FRAMEWORKS,
    SUPPORTED,
    Judgement,
    Records,
    beyond,
    combine,
    judged,
)

LESS_CODE_CLEAR = 1.5  # "less code": the scratch code at least this many times the size
RULE_HAND_WRITTEN = ("true by definition (code written from scratch has no autodiff to derive "
                     "the gradients); shown: the lines of hand-derived gradient and of update")
RULE_HANDLES = ("true by definition for backpropagation and the optimiser (autodiff derives "
                "the gradients, the library's optimiser applies them); shown: the gradient "
                "lines (none can exist) and the forward-pass lines each framework still needs")
RULE_LESS_CODE = (f"per framework, r = scratch lines / framework lines: supported if r >= "
                  f"{LESS_CODE_CLEAR}, qualified if 1 < r < {LESS_CODE_CLEAR}, refuted if "
                  "r <= 1; the two frameworks disagreeing make it qualified")


def _frameworks(result: Result) -> list[str]:
    return [impl for impl in FRAMEWORK_NAMES if impl in result.totals]


def hand_written(records: Records) -> Judgement:
    code: Result = records["code"]
    gradient, update = code.gradient("scratch"), code.lines(UPDATE_ROLE, "scratch")
    return judged(BY_DEFINITION, f"{gradient} lines of hand-derived gradients and {update} of "
                                 "update from scratch")


def frameworks_handle_it(records: Records) -> Judgement:
    code: Result = records["code"]
    parts = [f"{FRAMEWORK_NAMES[impl]}: {code.gradient(impl)} gradient lines, "
             f"{code.lines(FORWARD_ROLE, impl)} lines of model and forward pass by hand"
             for impl in _frameworks(code)]
    return judged(BY_DEFINITION, "; ".join(parts) + f" (from scratch: "
                                 f"{code.lines(FORWARD_ROLE, 'scratch')})")


def less_code(records: Records) -> Judgement:
    code: Result = records["code"]
    verdicts, parts, extra = [], [], []
    for impl in _frameworks(code):
        r = code.ratio_to(impl)
        part = f"{code.totals[impl]} lines in {FRAMEWORK_NAMES[impl]} ({r:.1f}x less)"
        if impl in SEED_FRAMEWORKS:
            verdicts.append(SUPPORTED if r >= LESS_CODE_CLEAR else QUALIFIED if r > 1
                            else REFUTED)
            parts.append(part)
        else:
            extra.append(part)
    return judged(combine(verdicts), f"{code.totals['scratch']} lines from scratch; "
                  + ", ".join(parts) + beyond(extra))


def learning_curve(records: Records) -> Judgement:
    code: Result = records["code"]
    return Judgement(NOT_MEASURED, "a claim about people, not measured; proxy only: "
                                   f"{code.gradient('scratch')} lines of gradient code the "
                                   "frameworks derive, each needing the chain rule")


def development_time(records: Records) -> Judgement:
    code: Result = records["code"]
    ratios = ", ".join(f"{code.ratio_to(i):.1f}x {FRAMEWORK_NAMES[i]}'s" for i in _frameworks(code))
    return Judgement(NOT_MEASURED, "nobody was timed writing it; proxy only: the scratch code "
                                   f"is {ratios} size")
