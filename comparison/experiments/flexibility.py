"""How much does it take to change the network? Six variants, made in every implementation.

For each variant of ``comparison/variants.py`` and each implementation: the lines of code
added and changed against the baseline, counted from the source (an edited copy of a baseline
function is compared with it line by line, a new function counts whole), the lines among them
that compute a gradient by hand, and, from training runs, accuracy and time per epoch.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

import numpy as np

from comparison.experiments.harness.context import Context, run_parallel, train_history
from comparison.experiments.harness.source import code_lines
from comparison.training import TrainConfig, installed
from comparison.training.variants import VARIANTS, Change, Variant

# It diffs the variants' sources as text, in every implementation, installed or not.
READS = ("scratch", "torch", "keras", "jax")
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


def make_config(profile: str, context: Context) -> Config:
    variants = {name: {"title": v.title, "settings": v.settings, "deterministic": v.deterministic,
                       "in_jax": v.jax_forward is not None}
                for name, v in VARIANTS.items()}
    return Config(profile=profile, **PROFILES[profile], base=BASE, variants=variants,
                  implementations=tuple(installed()), base_seed=context.seed)


def run(config: Config, context: Context) -> dict:
    seeds = [config.base_seed + k for k in range(config.seeds)]
    impls = config.implementations
    jobs = [(name, impl, seed) for name in config.variants for impl in impls
            for seed in seeds if written(config, name, impl)]
    args = [(context.data_dir, _train_config(config, *job)) for job in jobs]
    histories = run_parallel(train_history, args, context, desc="variant runs")
    rows = []
    for name, variant in VARIANTS.items():
        for impl in (i for i in impls if written(config, name, i)):
            runs = [h for (n, i, _), h in zip(jobs, histories) if (n, i) == (name, impl)]
            rows.append({"variant": name, "title": variant.title, "impl": impl,
                         **count_changes(changes_of(variant, impl)), **_accuracy_and_time(runs)})
    return {"rows": rows, "functions": {
        name: {impl: [asdict(c) for c in changes_of(v, impl)] for impl in impls}
        for name, v in VARIANTS.items()}}


def written(config: Config, variant: str, impl: str) -> bool:
    """Whether ``variant`` exists in ``impl`` (JAX has no dropout or conv variant here)."""
    return impl != "jax" or config.variants[variant]["in_jax"]


def changes_of(variant: Variant, impl: str) -> tuple[Change, ...]:
    return getattr(variant, f"{impl}_changes")


def _train_config(config: Config, variant: str, impl: str, seed: int) -> TrainConfig:
    settings = config.base | config.variants[variant]["settings"]
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


@dataclass(frozen=True)
class VariantOutcome:
    """One variant in one implementation: what it cost and how it trained."""

    lines: int  # added or changed against the baseline
    derivative_lines: int  # of them, gradients by hand
    accuracy: float  # mean over seeds of the test accuracy at the best validation epoch
    low: float  # lowest and highest over seeds
    high: float
    seconds_per_epoch: float


@dataclass(frozen=True)
class FlexibilityNumbers:
    implementations: tuple[str, ...]
    variants: tuple[str, ...]  # the changes, baseline excluded
    outcomes: dict[tuple[str, str], VariantOutcome]  # (variant, implementation) ->

    def written(self, impl: str) -> list[str]:
        """The variants made in ``impl`` (every one, except in JAX)."""
        return [v for v in self.variants if (v, impl) in self.outcomes]

    def lines(self, impl: str) -> int:
        return sum(self.outcomes[v, impl].lines for v in self.written(impl))

    def derivative_lines(self, impl: str) -> int:
        return sum(self.outcomes[v, impl].derivative_lines for v in self.written(impl))

    def with_derivative(self, impl: str) -> int:
        """How many variants needed a gradient written by hand."""
        return sum(self.outcomes[v, impl].derivative_lines > 0 for v in self.written(impl))

    def trained(self, impl: str, threshold: float) -> int:
        """How many variants reached ``threshold`` test accuracy in every seed."""
        return sum(self.outcomes[v, impl].low > threshold for v in self.written(impl))


def derive(record: dict) -> FlexibilityNumbers:
    outcomes = {(r["variant"], r["impl"]): VariantOutcome(
        r["lines_touched"], r["derivative_lines"], r["test_accuracy"], r["min_test_accuracy"],
        r["max_test_accuracy"], r["seconds_per_epoch"]) for r in record["rows"]}
    variants = tuple(v for v in record["config"]["variants"] if v != "baseline")
    return FlexibilityNumbers(tuple(record["config"]["implementations"]), variants, outcomes)
