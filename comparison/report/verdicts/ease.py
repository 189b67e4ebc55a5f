"""Rules for the ease-of-use claims, from the ``code`` result (lines per job)."""

from __future__ import annotations

from comparison.experiments import code
from comparison.experiments.code import FORWARD_ROLE, UPDATE_ROLE
from comparison.report.verdicts import (
    NOT_MEASURED,
    QUALIFIED,
    REFUTED,
    SUPPORTED,
    Judgement,
    Records,
    combine,
    judged,
)

FRAMEWORKS = {"torch": "PyTorch", "keras": "Keras", "jax": "JAX"}
LESS_CODE_CLEAR = 1.5  # "less code": the scratch code at least this many times the size
RULE_HAND_WRITTEN = ("supported if the scratch code has at least one line of hand-derived "
                     "gradient and of update while no framework has a gradient line; refuted "
                     "if the scratch code has no gradient line; qualified otherwise")
RULE_HANDLES = ("supported if a framework needs no gradient line and no forward-pass line; "
                "qualified if it needs no gradient line but a forward pass written by hand; "
                "refuted if it needs gradient lines")
RULE_LESS_CODE = (f"per framework, r = scratch lines / framework lines: supported if r >= "
                  f"{LESS_CODE_CLEAR}, qualified if 1 < r < {LESS_CODE_CLEAR}, refuted if "
                  "r <= 1; frameworks that disagree make it qualified")


def _frameworks(numbers: code.CodeNumbers) -> list[str]:
    return [impl for impl in FRAMEWORKS if impl in numbers.totals]


def hand_written(records: Records) -> Judgement:
    n = code.derive(records["code"])
    gradient, update = n.gradient("scratch"), n.lines[UPDATE_ROLE]["scratch"]
    frameworks = [n.gradient(impl) for impl in _frameworks(n)]
    verdict = (REFUTED if gradient == 0 else SUPPORTED if update > 0 and not any(frameworks)
               else QUALIFIED)
    others = ", ".join(f"{n.gradient(i)} in {FRAMEWORKS[i]}" for i in _frameworks(n))
    return judged(verdict, f"{gradient} lines of hand-derived gradients and {update} of update "
                           f"from scratch; gradient lines: {others}")


def frameworks_handle_it(records: Records) -> Judgement:
    n = code.derive(records["code"])
    verdicts, parts = [], []
    for impl in _frameworks(n):
        gradient, forward = n.gradient(impl), n.lines[FORWARD_ROLE][impl]
        verdicts.append(REFUTED if gradient else QUALIFIED if forward else SUPPORTED)
        parts.append(f"{FRAMEWORKS[impl]}: {gradient} gradient lines, {forward} lines of model "
                     "and forward pass by hand")
    return judged(combine(verdicts), "; ".join(parts))


def less_code(records: Records) -> Judgement:
    n = code.derive(records["code"])
    verdicts, parts = [], []
    for impl in _frameworks(n):
        r = n.ratio(impl)
        verdicts.append(SUPPORTED if r >= LESS_CODE_CLEAR else QUALIFIED if r > 1 else REFUTED)
        parts.append(f"{n.totals[impl]} lines in {FRAMEWORKS[impl]} ({r:.1f}x less)")
    return judged(combine(verdicts),
                  f"{n.totals['scratch']} lines from scratch; " + ", ".join(parts))


def learning_curve(records: Records) -> Judgement:
    n = code.derive(records["code"])
    return Judgement(NOT_MEASURED, "a claim about people, not measured; proxy only: "
                                   f"{n.gradient('scratch')} lines of gradient code the "
                                   "frameworks derive, each needing the chain rule")


def development_time(records: Records) -> Judgement:
    n = code.derive(records["code"])
    ratios = ", ".join(f"{n.ratio(i):.1f}x {FRAMEWORKS[i]}'s" for i in _frameworks(n))
    return Judgement(NOT_MEASURED, "nobody was timed writing it; proxy only: the scratch code "
                                   f"is {ratios} size")

