"""Time to accuracy: the wall-clock seconds each implementation needs to first reach a test
accuracy, the number a practitioner asks for.

Chapter 3's setting (784-100-10, cross-entropy, scaled initialisation, eta 0.5, lmbda 5,
mini-batch 10, float32), and a second row at a larger mini-batch with its own learning rate.
The clock runs only while training: every ``eval_every`` examples it stops, the test accuracy
is measured, and it starts again, so evaluation never counts. Building the runner (converting
the data) is not timed; each epoch's work, including Keras preparing its batch order, is.
The thread pools are set as in the speed experiment (``machine.py``).

The larger mini-batch and its learning rate were chosen on a small grid (the NumPy code,
float32, seed 0, test accuracy every 10,000 examples for 12 epochs; the epochs it took to first
reach 95% / 97%, and the best accuracy):

    mini-batch 10:  eta 0.5: 1.0 / 2.8 (97.68%)
    mini-batch 30:  eta 0.5: 1.7 / 6.2 (97.52%); eta 1: 0.8 / 5.3 (97.50%)
    mini-batch 50:  eta 0.5: 2.4 / 9.0 (97.33%); eta 1: 1.6 / 7.6 (97.41%);
                    eta 2: 2.8 / 11.4 (97.08%)
    mini-batch 100: eta 0.5: 4.8 / never (96.73%); eta 1: 2.8 / 10.4 (97.17%);
                    eta 2: 3.4 / never (96.55%); eta 4 and 8: 8.0 / never (95.9%)

Mini-batch 50 with eta 1 is the largest setting that reached 97% with a margin; raising eta
further does not make up for the fewer updates (the sigmoid neurons saturate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from tqdm import tqdm

from comparison import stats
from comparison.data import load_dataset
from comparison.experiments.harness import machine
from comparison.experiments.harness.context import Context
from comparison.experiments.harness.state import Load, Threads
from comparison.results import typed
from comparison.training import TrainConfig, installed, minibatches
from comparison.training.runners import make_runner

READS = ()  # its inputs are what it imports (results/inputs.py)
CHAPTER_3 = dict(hidden=(100,), cost="cross-entropy", init="scaled", lmbda=5.0, dtype="float32")
BOOK = (10, 0.5)  # (mini-batch, eta)
LARGER = (50, 1.0)  # chosen on the grid above


@dataclass(frozen=True)
class Config:
    profile: str
    settings: tuple[tuple[int, float], ...]  # (mini-batch, eta): the book's, and a larger one
    targets: tuple[float, ...]  # test accuracies to reach
    seeds: int
    train_size: int | None  # the first n training images (None: all 50,000)
    max_epochs: int  # give up after this many
    eval_every: int  # training examples between two measurements of the test accuracy
    threads: int = 1
    base_seed: int = 0
    implementations: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ("mnist",)


@dataclass(frozen=True)
class Row:
    """When one run first reached one target (``first_reached``)."""

    impl: str
    batch_size: int
    eta: float
    seed: int
    target: float  # a test accuracy
    reached: bool
    seconds: float | None  # training seconds to the target (None: never reached)
    epochs: float | None  # epochs of training to the target (None: never reached)


@dataclass(frozen=True)
class Curve:
    """One run's test accuracy, measured every ``eval_every`` examples (``train_until``)."""

    impl: str
    batch_size: int
    eta: float
    seed: int
    examples: tuple[int, ...]  # examples trained on at each measurement
    seconds: tuple[float, ...]  # training seconds (evaluation excluded) at each
    accuracy: tuple[float, ...]  # the test accuracy at each


@dataclass(frozen=True)
class PairedRatio:
    """Seconds to a target, an implementation over the NumPy code, at one mini-batch."""

    batch_size: int
    ratio: float  # the median over the paired seeds
    low: float  # its interval
    high: float
    coverage: float  # the interval's confidence
    seeds: int  # paired seeds behind it


@dataclass(frozen=True)
class Result:
    config: Config
    rows: tuple[Row, ...]  # one per run and target
    curves: tuple[Curve, ...]  # one per run
    images: int  # training images each epoch went through
    threads: Threads
    load: Load

    def runs(self, impl: str, setting: tuple[int, float], target: float) -> list[Row]:
        """The rows of ``impl`` at one setting and target, one per seed."""
        batch_size, eta = setting
        return [r for r in self.rows
                if (r.impl, r.batch_size, r.eta, r.target) == (impl, batch_size, eta, target)]

    def paired_ratio(self, impl: str, batch_size: int, target: float) -> PairedRatio | None:
        """Training seconds to ``target``, ``impl`` over the NumPy code, paired seed by seed
        (the same batch order), with the median's interval; a run that never reached the
        target counts as infinitely slow, and seeds where neither did are left out (None
        when no seed is left)."""
        def seconds(name: str) -> dict[int, float]:
            return {r.seed: r.seconds if r.reached else float("inf") for r in self.rows
                    if (r.impl, r.batch_size, r.target) == (name, batch_size, target)}
        mine, scratch = seconds(impl), seconds("scratch")
        seeds = [s for s in mine if s in scratch and min(mine[s], scratch[s]) < float("inf")]
        if not seeds:
            return None
        found = stats.median_interval([mine[s] / scratch[s] for s in seeds])
        return PairedRatio(batch_size, found.median, found.low, found.high, found.coverage,
                           len(seeds))


PROFILES = {
    "smoke": dict(settings=(BOOK, LARGER), targets=(0.3, 0.5), seeds=1, train_size=None,
                  max_epochs=2, eval_every=50),
    "quick": dict(settings=(BOOK, LARGER), targets=(0.85, 0.90), seeds=1, train_size=10_000,
                  max_epochs=3, eval_every=1_000),
    # stats.MIN_SAMPLES seeds: the fewest whose paired ratios can give a 95% interval, so
    # that time to accuracy can decide "faster to train"
    "full": dict(settings=(BOOK, LARGER), targets=(0.95, 0.97), seeds=stats.MIN_SAMPLES,
                 train_size=None, max_epochs=12, eval_every=5_000),
}


def make_config(profile: str, context: Context) -> Config:
    return Config(profile=profile, **PROFILES[profile], threads=machine.usable_cpus()["usable"],
                  base_seed=context.seed, implementations=tuple(installed()))


def run(config: Config, context: Context) -> Result:
    data = load_dataset("mnist", context.data_dir)
    if config.train_size:
        data = replace(data, train=data.train.head(config.train_size))
    tensorflow = (machine.tensorflow_threads(config.threads)
                  if "keras" in config.implementations else None)
    runs = [(impl, batch_size, eta, seed) for batch_size, eta in config.settings
            for seed in range(config.base_seed, config.base_seed + config.seeds)
            for impl in config.implementations]
    rows, curves = [], []
    cpus = machine.usable_cpus()
    before = machine.snapshot(cpus["affinity"])
    with machine.Threads(config.threads) as threads:
        for impl, batch_size, eta, seed in tqdm(runs, desc="time to accuracy", unit="run",
                                                disable=not context.progress):
            train_config = TrainConfig(impl=impl, batch_size=batch_size, eta=eta, seed=seed,
                                       device="cpu", **CHAPTER_3)
            curve = train_until(make_runner(train_config, data), len(data.train), train_config,
                                config)
            curves.append(Curve(impl, batch_size, eta, seed, **{
                key: tuple(values) for key, values in curve.items()}))
            rows += [Row(impl, batch_size, eta, seed, target,
                         **first_reached(curve, target, len(data.train)))
                     for target in config.targets]
        pools = threads.record()
    after = machine.snapshot(cpus["affinity"])
    return Result(config, tuple(rows), tuple(curves), len(data.train),
                  typed.from_json(Threads, {"set_to": config.threads, **pools,
                                            "tensorflow": tensorflow}),
                  typed.from_json(Load, machine.load_record(before, after)))


def train_until(runner, n: int, train_config: TrainConfig, config: Config) -> dict:
    """Train epoch by epoch until every target is reached (or ``max_epochs``), measuring the
    test accuracy every ``eval_every`` examples with the clock stopped."""
    from torch.utils.benchmark import timer  # its import takes 0.3 s: only when timing

    rng = np.random.default_rng(train_config.seed)
    every = max(1, config.eval_every // train_config.batch_size)
    curve = {"examples": [], "seconds": [], "accuracy": []}
    clock = {"total": 0.0, "since": 0.0, "steps": 0}

    def measure() -> None:
        clock["total"] += timer() - clock["since"]
        curve["examples"].append(clock["steps"] * train_config.batch_size)
        curve["seconds"].append(clock["total"])
        # The PyTorch runner evaluates in eval mode and trains on without switching back until
        # the next epoch; the baseline network has no layer (dropout, batch norm) that cares.
        curve["accuracy"].append(runner.evaluate("test")[1])
        clock["since"] = timer()

    def after_batch() -> None:
        clock["steps"] += 1
        if clock["steps"] % every == 0:
            measure()

    for _ in range(config.max_epochs):
        clock["since"] = timer()
        runner.train_epoch(minibatches(n, train_config.batch_size, rng), on_batch=after_batch)
        if clock["steps"] % every:
            measure()  # the end of the epoch
        else:
            clock["total"] += timer() - clock["since"]
        if max(curve["accuracy"]) >= max(config.targets):
            break
    return curve


def first_reached(curve: dict, target: float, n: int) -> dict:
    """When the test accuracy first reached ``target``: training seconds and epochs (None
    and False when it never did)."""
    k = next((i for i, a in enumerate(curve["accuracy"]) if a >= target), None)
    if k is None:
        return {"reached": False, "seconds": None, "epochs": None}
    return {"reached": True, "seconds": curve["seconds"][k],
            "epochs": round(curve["examples"][k] / n, 3)}
