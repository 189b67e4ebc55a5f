"""Every distinct claim of the two seed texts, judged by a stated rule from the results.

Seed A is "Comparison of Neural Network Implementations: From Scratch vs. PyTorch", seed B
"MIA-phase2" (both in ``shared/seeds/``). Where the two texts, or two sentences of one, assert
the same measurable thing they are one claim here; ``claims.py`` lists them with the sentences
they stand for. A rule reads typed numbers (never formatted text), has its thresholds as named
constants that the page shows, and can return more than one verdict (``tests/test_verdicts.py``
shows each doing so, on synthetic and on perturbed real results). Five outcomes:

    supported     the data agree
    qualified     true only in part or under a condition, each part measured
    refuted       the data disagree: the opposite was measured (slower, or a difference
                  below the stated minimum effect), not merely the claim left unshown
    undecided     the data cannot decide, and the reason is given: intervals that overlap
                  the threshold, a run flagged busy, a noise floor that disagreed, a record
                  without intervals or timed under another protocol, a profile too short to
                  train
    not measured  not a quantity, or no machine here could measure it (a proxy, where shown,
                  is named as one and decides nothing)

and one label in place of an outcome: *by definition*, for a claim that no measurement could
contradict (from scratch you write the backward pass); its measured size is shown beside it.

The seeds' claims are about PyTorch and TensorFlow/Keras: those two decide them. JAX, our
addition, is shown beside them ("beyond the texts") and never moves a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from comparison import implementations
from comparison.stats import FASTER, MIN_EFFECT, SAME, SLOWER, UNCLEAR

SUPPORTED, QUALIFIED, REFUTED = "supported", "qualified", "refuted"
UNDECIDED, NOT_MEASURED, BY_DEFINITION = "undecided", "not measured", "by definition"
OUTCOMES = (SUPPORTED, QUALIFIED, REFUTED, UNDECIDED, NOT_MEASURED)
VERDICTS = (*OUTCOMES, BY_DEFINITION)
# A result's name -> its experiment's typed ``Result`` (a record committed from another
# machine: ``typed.Recorded``), as the site and a machine record hand them to the rules
Records = Mapping[str, Any]

# The frameworks the seed texts name decide their claims; the others are shown beside them.
SEED_FRAMEWORKS = implementations.View("short", keep=implementations.seed_framework)
BEYOND_SEEDS = implementations.View("short", keep=implementations.beyond_seeds)
FRAMEWORK_NAMES = implementations.View("short", keep=lambda impl: impl.framework)

SIDE_RULE = (f"a time ratio A/B is *faster* when its 95% interval lies below 1 and its median "
             f"is at most {1 - MIN_EFFECT:g}, *slower* when the interval lies above 1 and the "
             f"median is at least {1 + MIN_EFFECT:g}, *the same* when the whole interval lies "
             f"within {1 - MIN_EFFECT:g}–{1 + MIN_EFFECT:g}, and *unclear* otherwise (or with "
             "fewer samples than a 95% interval needs)")


@dataclass(frozen=True)
class Judgement:
    verdict: str
    number: str  # the measured quantity behind the verdict, formatted, with its interval
    reason: str = ""  # why the data could not decide (undecided only)


def judged(verdict: str, number: str) -> Judgement:
    assert verdict in VERDICTS and verdict != UNDECIDED, verdict
    return Judgement(verdict, number)


def undecided(reason: str, number: str) -> Judgement:
    return Judgement(UNDECIDED, number, reason)


def not_measured(reason: str) -> Callable[[Records], Judgement]:
    return lambda records: Judgement(NOT_MEASURED, reason)


@dataclass(frozen=True)
class Tally:
    """How many compared points fell on each side."""

    faster: int = 0
    slower: int = 0
    same: int = 0
    unclear: int = 0

    @classmethod
    def of(cls, sides: Iterable[str]) -> Tally:
        found = list(sides)
        return cls(*(found.count(s) for s in (FASTER, SLOWER, SAME, UNCLEAR)))

    @property
    def total(self) -> int:
        return self.faster + self.slower + self.same + self.unclear

    def verdict(self) -> str:
        """supported if faster at every point, qualified if at some; with none faster,
        refuted where the opposite was measured at a point (slower, or the same), else
        undecided."""
        if self.total == 0:
            return NOT_MEASURED
        if self.faster == self.total:
            return SUPPORTED
        if self.faster:
            return QUALIFIED
        return REFUTED if self.slower or self.same else UNDECIDED

    def text(self, unit: str = "points") -> str:
        parts = [f"{n} {word}" for n, word in ((self.faster, "faster"), (self.slower, "slower"),
                                              (self.same, f"within {MIN_EFFECT:.0%}"),
                                              (self.unclear, "unclear")) if n]
        return f"{', '.join(parts)} of {self.total} {unit}"


TALLY_RULE = ("supported if faster at every point, qualified if at some, refuted if at none "
              "and slower or the same at one or more, undecided if every point is unclear")


def combine(verdicts: Sequence[str]) -> str:
    """One verdict for a claim about "PyTorch/TensorFlow" from one per seed framework: the
    same if they agree, qualified if two decided verdicts differ, undecided if one could
    not be decided and the others agree (a claim about both is not settled by one)."""
    measured = [v for v in verdicts if v != NOT_MEASURED]
    if not measured:
        return NOT_MEASURED
    decided = set(measured) - {UNDECIDED}
    if len(decided) > 1:
        return QUALIFIED
    return UNDECIDED if UNDECIDED in measured else decided.pop()


def combined(verdicts: Sequence[str], number: str, reasons: Sequence[str]) -> Judgement:
    """``combine`` as a judgement; ``reasons[i]`` says why ``verdicts[i]`` would be undecided,
    and an undecided judgement carries the reasons of its undecided parts."""
    verdict = combine(verdicts)
    if verdict == UNDECIDED:
        why = [r for v, r in zip(verdicts, reasons, strict=True) if v == UNDECIDED]
        return undecided("; ".join(dict.fromkeys(why)), number)
    return judged(verdict, number)


def busy_reason(load) -> str:
    """Why a run on a busy machine decides nothing (``load``: ``state.Load``)."""
    return f"the run was flagged busy ({'; '.join(load.busy_reasons)})"


# The command that re-runs one experiment; the pages show it as code (``claims.measured``).
RERUN = re.compile(r"python -m comparison run --only \w+ --force")


def clean_run(experiment: str) -> str:
    """What to do about a run that decides nothing."""
    return f"re-run it on an idle machine: python -m comparison run --only {experiment} --force"


def beyond(parts: Sequence[str]) -> str:
    """JAX's numbers, shown beside a verdict they do not move (a sentence of their own)."""
    return f". Beyond the texts (decides nothing), {'. '.join(parts)}" if parts else ""


def sentences(who: str, points: Sequence[tuple[str, str]], unit: str = "") -> str:
    """``who``'s measured points as (value, where) pairs, one sentence each, so that a reader
    meets one interval at a time: "PyTorch: 3.5x [3.2–4.8] the NumPy time at mini-batch 10.
    At mini-batch 50: 1.5x [1.4–2.5]"."""
    (value, where), *rest = points
    unit = f" {unit}" if unit else ""
    return ". ".join([f"{who}: {value}{unit} at {where}"]
                     + [f"At {where}: {value}" for value, where in rest])


@dataclass
class PerFramework:
    """Each framework's part of a claim: the seeds' frameworks vote, the others are shown
    beside the verdict."""

    verdicts: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why each vote would be undecided
    beside: list[str] = field(default_factory=list)

    def add(self, impl: str, part: str, verdict: str, reason: str = "") -> None:
        if impl in SEED_FRAMEWORKS:
            self.verdicts.append(verdict)
            self.parts.append(part)
            self.reasons.append(reason)
        else:
            self.beside.append(part)

    def text(self) -> str:
        return ". ".join(self.parts) + beyond(self.beside)

    def judgement(self, lead: str = "", gate: str = "") -> Judgement:
        """The combined verdict; undecided with ``gate`` when the run failed its checks."""
        number = lead + self.text()
        return undecided(gate, number) if gate else combined(self.verdicts, number,
                                                             self.reasons)


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
