"""Rules for the two diagnosis claims, from the ``debugging`` result (planted bugs)."""

from __future__ import annotations

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


def _shares(records: Records, key) -> dict[str, tuple[float, dict]] | None:
    from comparison.report.debugging import diagnosis_numbers

    if "debugging" not in records:
        return None
    numbers = diagnosis_numbers(records["debugging"])
    return {impl: (key(n) / n["measured"], n) for impl, n in numbers.items() if n["measured"]}


def _decide(difference: float) -> str:
    return (SUPPORTED if difference >= DIAGNOSIS_MARGIN else REFUTED
            if difference <= -DIAGNOSIS_MARGIN else UNDECIDED)


def _judge(records: Records, key, scratch_minus_framework: bool, what: str) -> Judgement:
    shares = _shares(records, key)
    if not shares or "scratch" not in shares:
        return Judgement(NOT_MEASURED, "the debugging experiment did not run")
    scratch = shares["scratch"][0]
    verdicts, parts, reasons = [], [f"from scratch {scratch:.0%} {what}"], []
    for impl, who in FRAMEWORKS.items():
        if impl in shares:
            share = shares[impl][0]
            verdicts.append(_decide(scratch - share if scratch_minus_framework
                                    else share - scratch))
            parts.append(f"{who} {share:.0%}")
            reasons.append(f"{who}: within the {DIAGNOSIS_MARGIN:.0%}-point margin")
    return combined(verdicts, ", ".join(parts) + " of the bugs that can occur", reasons)


def harder_from_scratch(records: Records) -> Judgement:
    return _judge(records, lambda n: n["silent"], True, "pass silently")


def framework_reports_them(records: Records) -> Judgement:
    return _judge(records, lambda n: n["loud"] + n["caught_by_tool"], False,
                  "reported (an error or a standard tool)")
