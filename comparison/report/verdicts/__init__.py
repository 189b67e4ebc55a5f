"""Every distinct claim of the two seed texts, judged by a stated rule from the results.

Seed A is "Comparison of Neural Network Implementations: From Scratch vs. PyTorch", seed B
"MIA-phase2" (both in ``shared/seeds/``). Where the two texts, or two sentences of one, assert
the same measurable thing they are one claim here; ``claims.py`` lists them with the sentences
they stand for. A rule reads typed numbers (never formatted text), has its thresholds as named
constants that the page shows, and can return more than one verdict (``tests/test_verdicts.py``
shows each doing so):

    supported     the data agree
    qualified     true only in part or under a condition
    refuted       the data disagree
    not measured  not a quantity, no machine here could measure it, or the intervals were
                  too wide to decide (the reason is given; a proxy, where shown, is named as
                  one and decides nothing)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

SUPPORTED, QUALIFIED, REFUTED, NOT_MEASURED = "supported", "qualified", "refuted", "not measured"
VERDICTS = (SUPPORTED, QUALIFIED, REFUTED, NOT_MEASURED)
Records = dict[str, dict]


@dataclass(frozen=True)
class Judgement:
    verdict: str
    number: str  # the measured quantity behind the verdict, formatted, with its interval


def judged(verdict: str, number: str) -> Judgement:
    assert verdict in VERDICTS, verdict
    return Judgement(verdict, number)


def not_measured(reason: str) -> Callable[[Records], Judgement]:
    return lambda records: Judgement(NOT_MEASURED, reason)


def combine(verdicts: Sequence[str]) -> str:
    """One verdict for a claim about "PyTorch/TensorFlow" from one per measured framework:
    the same if they agree, else qualified."""
    measured = [v for v in verdicts if v != NOT_MEASURED]
    if not measured:
        return NOT_MEASURED
    return measured[0] if len(set(measured)) == 1 else QUALIFIED


def by_share(hits: int, total: int) -> str:
    """supported when every case agrees, refuted when none does, qualified in between."""
    if total == 0:
        return NOT_MEASURED
    return SUPPORTED if hits == total else REFUTED if hits == 0 else QUALIFIED


@dataclass(frozen=True)
class Claim:
    area: str
    seeds: str  # where the two texts make it, e.g. "A 1.1, B 1.1"
    text: str  # the claim, in our words
    quantity: str  # what is measured
    rule: str  # the decision rule, thresholds included (formatted from the constants)
    page: str  # where the evidence is
    judge: Callable[[Records], Judgement]
    results: tuple[str, ...] = ()  # the results it reads (for "provisional")

