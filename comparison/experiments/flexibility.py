"""How much does it take to change the network? Six variants, made in every implementation.

For each variant of ``comparison/variants.py`` and each implementation: the lines of code
added and changed against the baseline, counted from the source (an edited copy of a baseline
function is compared with it line by line, a new function counts whole), the lines among them
that compute a gradient by hand, and, from training runs, accuracy and time per epoch.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from comparison.experiments.harness.context import Context, run_parallel, train_history
from comparison.experiments.harness.source import code_lines
from comparison.implementations import Change, names
from comparison.training import TrainConfig, installed
from comparison.training.variants import VARIANTS, Variant, resolved

# It diffs the variants' sources as text, in every implementation, installed or not.
READS = names()
# The variants' common ground: the book's chapter-3 network, in float32 (PyTorch's default).
BASE = dict(hidden=(100,), cost="cross-entropy", eta=0.5, lmbda=5.0, init="scaled",
            batch_size=10, dtype="float32")
PROFILES = {"smoke": dict(train_size=None, epochs=1, seeds=1),
            "quick": dict(train_size=1_000, epochs=1, seeds=1),
            # An hour's share on 2 cores: one epoch of every variant in every implementation
            # took about 6 minutes of one core on a 2-core AMD EPYC (the conv variant half of
            # it), and "trained" asks only for an accuracy far above chance, so one epoch over
            # all 50,000 images, two seeds.
            "full": dict(train_size=None, epochs=1, seeds=2)}


@dataclass(frozen=True)
class Config:
    profile: str
    train_size: int | None  # None: all 50,000 training images
    epochs: int
    seeds: int
    base: dict  # the baseline's training settings (``TrainConfig`` fields)
    variants: dict[str, dict]  # title, settings that differ, deterministic
    implementations: tuple[str, ...]
    base_seed: int = 0
    datasets: tuple[str, ...] = ("mnist",)


@dataclass(frozen=True)
class VariantOutcome:
    """One variant in one implementation: what it cost and how it trained."""

    variant: str
    title: str
    impl: str
    lines_added: int  # against the baseline (``count_changes``)
    lines_changed: int
    lines_touched: int  # added or changed
    derivative_lines: int  # of them, gradients by hand
    hand_written_derivative: bool
    functions_touched: int
    seeds: int
    test_accuracy: float  # mean over seeds of the test accuracy at the best validation epoch
    min_test_accuracy: float  # lowest and highest over seeds
    max_test_accuracy: float
    seconds_per_epoch: float  # median over every epoch of every seed


@dataclass(frozen=True)
class Result:
    config: Config
    rows: tuple[VariantOutcome, ...]  # each variant in each implementation it is written in
    functions: dict[str, dict[str, tuple[Change, ...]]]  # variant -> implementation -> changes

    @property
    def variants(self) -> tuple[str, ...]:
        """The changes, baseline excluded."""
        return tuple(v for v in self.config.variants if v != "baseline")

    def outcome(self, variant: str, impl: str) -> VariantOutcome | None:
        """``variant`` in ``impl``, or None where it was not made."""
        return next((r for r in self.rows if (r.variant, r.impl) == (variant, impl)), None)

    def written(self, impl: str) -> list[str]:
        """The variants made in ``impl`` (every one, except in JAX)."""
        return [v for v in self.variants if self.outcome(v, impl) is not None]

    def lines(self, impl: str) -> int:
        """The lines added or changed over every variant made in ``impl``."""
        return sum(self.outcome(v, impl).lines_touched for v in self.written(impl))

    def derivative_lines(self, impl: str) -> int:
        return sum(self.outcome(v, impl).derivative_lines for v in self.written(impl))

    def with_derivative(self, impl: str) -> int:
        """How many variants needed a gradient written by hand."""
        return sum(self.outcome(v, impl).derivative_lines > 0 for v in self.written(impl))

    def trained(self, impl: str, threshold: float) -> int:
        """How many variants reached ``threshold`` test accuracy in every seed."""
        return sum(self.outcome(v, impl).min_test_accuracy > threshold for v in self.written(impl))


def make_config(profile: str, context: Context) -> Config:
    variants = {name: {"title": v.title, "settings": v.settings, "deterministic": v.deterministic}
                for name, v in VARIANTS.items()}
    return Config(profile=profile, **PROFILES[profile], base=BASE, variants=variants,
                  implementations=tuple(installed()), base_seed=context.seed)


def run(config: Config, context: Context) -> Result:
    seeds = [config.base_seed + k for k in range(config.seeds)]
    impls = config.implementations
    jobs = [(name, impl, seed) for name in config.variants for impl in impls
            for seed in seeds if VARIANTS[name].version(impl)]
    args = [(context.data_dir, _train_config(config, *job)) for job in jobs]
    histories = run_parallel(train_history, args, context, desc="variant runs")
    rows = []
    for name, variant in VARIANTS.items():
        for impl in (i for i in impls if variant.version(i)):
            runs = [h for (n, i, _), h in zip(jobs, histories) if (n, i) == (name, impl)]
            rows.append(VariantOutcome(name, variant.title, impl,
                                       **count_changes(changes_of(variant, impl)),
                                       **_accuracy_and_time(runs)))
    return Result(config, tuple(rows), {name: {impl: changes_of(v, impl) for impl in impls}
                                        for name, v in VARIANTS.items()})


def changes_of(variant: Variant, impl: str) -> tuple[Change, ...]:
    """The functions ``impl`` wrote or edited for ``variant`` (none where it is not written)."""
    version = variant.version(impl)
    return version.changes if version else ()


def _train_config(config: Config, variant: str, impl: str, seed: int) -> TrainConfig:
    settings = resolved(config.base, VARIANTS[variant])
    settings["hidden"] = tuple(settings["hidden"])
    return TrainConfig(impl=impl, variant=variant, epochs=config.epochs, seed=seed,
                       train_size=config.train_size, device="cpu", **settings)


def count_changes(changes: tuple[Change, ...]) -> dict:
    """Lines added and changed against the baseline, and how many of them are derivatives.

    An edited copy is compared with its original line by line; a new function counts whole.
    """
    added = changed = derivative = 0
    for change in changes:
        new = code_lines(*change.ref.split("::"))
        old = code_lines(*change.replaces.split("::")) if change.replaces else []
        if old:  # a copy under a new name: the rename alone is no change
            new[0] = new[0].replace(_name(change.ref), _name(change.replaces), 1)
        opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
        a = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag == "insert")
        c = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag == "replace")
        added, changed = added + a, changed + c
        derivative += (a + c) * change.derivative
    return {"lines_added": added, "lines_changed": changed, "lines_touched": added + changed,
            "derivative_lines": derivative, "hand_written_derivative": derivative > 0,
            "functions_touched": len(changes)}


def _name(ref: str) -> str:
    return ref.split("::")[1].split(".")[-1]


def _accuracy_and_time(histories: list[dict]) -> dict:
    """Test accuracy at each run's best validation epoch (mean and range over seeds), and the
    median time per training epoch."""
    test = [h["test_accuracy"][int(np.argmax(h["validation_accuracy"]))] for h in histories]
    return {"seeds": len(histories), "test_accuracy": float(np.mean(test)),
            "min_test_accuracy": float(min(test)), "max_test_accuracy": float(max(test)),
            "seconds_per_epoch": float(np.median([s for h in histories for s in h["seconds"]]))}
