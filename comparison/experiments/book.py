"""Does each implementation reproduce the book's published accuracies?

Four runs from the book, trained over several seeds:

* ch. 1, 784-30-10, quadratic cost, eta 3.0, mini-batch 10, 30 epochs: 95.42% (test data);
* ch. 1, 784-100-10, same settings: 96.59% (test data);
* ch. 3, 784-100-10, cross-entropy, L2 lmbda 5.0, eta 0.5, with the chapter's first (large,
  N(0, 1)) initial weights: 97.92% (validation data), the accuracy at the end of the run;
* the same with the scaled initial weights the chapter introduces later: "about 98%".

The NumPy network trains all four; the frameworks, whose steps at mini-batch 10 cost more,
train the settings in ``framework_settings``. Chapter 1 quotes the best epoch of the best of
three runs, chapter 3 the final epoch of a run; each setting is compared with the book on its
own statistic (for the first three seeds, as "best of three"), beside the mean and spread over
all seeds and the number of runs that stalled. How likely the book's figure was needs more
seeds: chapter 1's first run trains ``luck_seeds`` seeds in ``luck_implementations`` (the
page gives the chances with exact intervals). Chapter 1's first run also trains on
Fashion-MNIST when present.

A paired control, "torch-paired", trains PyTorch from the scratch network's initial weights
for the same seeds: where it matches scratch run for run while PyTorch's own draw does not,
the difference lies in the initial weights, not in the implementation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from comparison.data import SPECS, DataError, locate
from comparison.experiments.harness.context import Context, run_parallel, train_history
from comparison.results import typed
from comparison.training import TrainConfig, installed

READS = ()  # its inputs are what it imports (results/inputs.py)


@dataclass(frozen=True)
class Setting:
    """One of the book's runs and the figure it published for it."""

    hidden: tuple[int, ...]
    cost: str
    eta: float
    init: str
    lmbda: float
    book: float
    book_split: str  # "test" or "validation": the data the book's figure is on
    statistic: str  # "best": the best epoch's accuracy (ch. 1); "final": the last epoch's
    approximate: bool = False  # the book says "about"


SETTINGS = {
    "ch1-30": Setting((30,), "quadratic", 3.0, "large", 0.0, 0.9542, "test", "best"),
    "ch1-100": Setting((100,), "quadratic", 3.0, "large", 0.0, 0.9659, "test", "best"),
    "ch3-100-large": Setting((100,), "cross-entropy", 0.5, "large", 5.0, 0.9792, "validation",
                             "final"),
    "ch3-100": Setting((100,), "cross-entropy", 0.5, "scaled", 5.0, 0.98, "validation", "final",
                       approximate=True),
}


@dataclass(frozen=True)
class Config:
    profile: str
    epochs: int
    seeds: int
    paired: tuple[str, ...]  # settings that also run PyTorch from scratch's initial weights
    settings: dict[str, Setting]
    datasets: tuple[str, ...]
    implementations: tuple[str, ...]
    train_size: int | None = None  # the first n training images (None: all 50,000, the book's)
    # Which settings each framework trains (the NumPy network trains them all). A chapter-1
    # run at mini-batch 10 took 25 s from scratch, 104 s in PyTorch, 248 s in Keras and 30 s in
    # JAX on a 2-core AMD EPYC, so to fit the full profile's hour the frameworks train chapter
    # 1's first run (its figure is exact, and the chances are measured on it), and PyTorch also
    # ch1-100, where the paired control separates the initial draw from the code.
    framework_settings: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "torch": ("ch1-30", "ch1-100"), "keras": ("ch1-30",), "jax": ("ch1-30",)})
    # Fashion-MNIST has no book figures: these runs show whether two implementations land
    # together there.
    fashion_settings: tuple[str, ...] = ("ch1-30",)
    fashion_implementations: tuple[str, ...] = ("scratch", "torch")
    # How likely is the book's figure? Chapter 1's first run with more seeds, in the two
    # implementations that fit the hour.
    luck_setting: str = "ch1-30"
    luck_seeds: int = 0
    luck_implementations: tuple[str, ...] = ("scratch", "torch")
    base_seed: int = 0
    batch_size: int = 10
    dtype: str = "float64"

    def seed_numbers(self) -> list[int]:
        """The seeds every setting trains (the chances' setting may train more)."""
        return [self.base_seed + k for k in range(self.seeds)]


@dataclass(frozen=True)
class History:
    """One run, epoch by epoch (``train_history``)."""

    epoch: tuple[int, ...]
    seconds: tuple[float, ...]  # each epoch's training time
    validation_cost: tuple[float, ...]
    validation_accuracy: tuple[float, ...]
    test_cost: tuple[float, ...]
    test_accuracy: tuple[float, ...]

    def accuracy(self, split: str) -> tuple[float, ...]:
        """The accuracy on ``split`` ("test" or "validation": a setting's ``book_split``)."""
        return {"test": self.test_accuracy, "validation": self.validation_accuracy}[split]


@dataclass(frozen=True)
class Run:
    dataset: str
    setting: str  # a key of ``Config.settings``
    impl: str  # an implementation, or "torch-paired" (PyTorch from scratch's initial weights)
    seed: int
    history: History


@dataclass(frozen=True)
class Row:
    """A setting's runs in one implementation on one dataset: the book's statistic (each
    run's best or final epoch on the book's split) and its spread over the seeds."""

    dataset: str
    setting: str
    impl: str
    split: str  # the setting's ``book_split``
    statistic: str  # the setting's: "best" or "final"
    seeds: int  # runs behind the row
    book: float | None  # the book's figure (None: Fashion-MNIST, which has none)
    best_of_3: float  # the best statistic of the first three seeds: the book's "best of three"
    mean: float  # the statistic's mean, least and greatest over all seeds
    min: float
    max: float
    stalled: int  # runs STALL_MARGIN or more below the best run of the setting
    per_seed: tuple[float, ...]  # the statistic, seed by seed
    seed_list: tuple[int, ...]
    gap_to_book_pp: float | None  # best_of_3 - book, in percentage points
    seconds_per_epoch: float  # the median over the runs


@dataclass(frozen=True)
class Summary:
    largest_gap_pp: float  # the largest gap to the book on MNIST, in points, either way


@dataclass(frozen=True)
class Result:
    config: Config
    rows: tuple[Row, ...]
    runs: tuple[Run, ...]
    summary: Summary  # numbers the site quotes in prose

    def mnist(self, paired: bool = True) -> list[Row]:
        """The MNIST rows (those the book gives figures for), with the paired control's or
        without."""
        return [r for r in self.rows if r.dataset == "mnist"
                and (paired or r.impl != "torch-paired")]


PROFILES = {"smoke": dict(epochs=1, seeds=1, paired=()),
            # CI: checks the pipeline, decides nothing, on the full profile's settings
            "quick": dict(epochs=1, seeds=1, paired=(), luck_seeds=3, train_size=10_000),
            # Sized for an hour on 2 cores: 3 seeds (the book's "best of three"), 30 epochs,
            # and 10 seeds of chapter 1's first run for the chances.
            "full": dict(epochs=30, seeds=3, paired=("ch1-100",), luck_seeds=10)}
# Seconds a ch1-30 run took in the full profile on a 2-core AMD EPYC: the order jobs start in.
RUN_SECONDS = {"scratch": 25, "jax": 30, "torch": 104, "torch-paired": 104, "keras": 248}
SLOWEST = max(RUN_SECONDS.values())
BOOK_STATISTIC_SEEDS = 3  # "best of three runs"
STALL_MARGIN = 0.05  # a run is "stalled" 5 points or more below the best run of its setting


def make_config(profile: str, context: Context) -> Config:
    datasets = ["mnist"]
    try:  # Fashion-MNIST is optional (never downloaded here): the site says if it is missing
        if locate(SPECS["fashion-mnist"], context.data_dir) is not None:
            datasets.append("fashion-mnist")
    except DataError:
        pass
    return Config(profile=profile, **PROFILES[profile], settings=SETTINGS,
                  datasets=tuple(datasets), implementations=tuple(installed()),
                  base_seed=context.seed)


def run(config: Config, context: Context) -> Result:
    jobs = [(dataset, setting, impl, seed)
            for dataset in config.datasets for setting in config.settings
            for impl in config.implementations
            for seed in _seeds(config, dataset, setting, impl)
            if _runs(config, impl, dataset, setting)]
    jobs += [("mnist", setting, "torch-paired", seed) for setting in config.paired
             for seed in config.seed_numbers()]
    args = [(context.data_dir, _train_config(config, dataset, setting, impl, seed))
            for dataset, setting, impl, seed in jobs]
    # Slowest first, so that the workers finish together rather than one waiting on a Keras run
    # (an implementation not timed yet counts as the slowest).
    order = sorted(range(len(jobs)), key=lambda k: (-RUN_SECONDS.get(jobs[k][2], SLOWEST),
                                                    -sum(config.settings[jobs[k][1]].hidden)))
    done = run_parallel(train_history, [args[k] for k in order], context, desc="book runs")
    histories = [history for _, history in sorted(zip(order, done), key=lambda pair: pair[0])]
    runs = tuple(Run(d, s, i, seed, typed.from_json(History, h, "history"))
                 for (d, s, i, seed), h in zip(jobs, histories))
    rows = summarise(runs, config)
    return Result(config, rows, runs, _headline(rows))


def _seeds(config: Config, dataset: str, setting: str, impl: str) -> list[int]:
    """The seeds a setting trains: more where the chances are measured."""
    luck = (dataset, setting) == ("mnist", config.luck_setting) and (
        impl in config.luck_implementations)
    n = max(config.seeds, config.luck_seeds) if luck else config.seeds
    return [config.base_seed + k for k in range(n)]


def _runs(config: Config, impl: str, dataset: str, setting: str) -> bool:
    """Whether ``impl`` trains ``setting`` on ``dataset``."""
    if dataset != "mnist":
        return impl in config.fashion_implementations and setting in config.fashion_settings
    return setting in config.framework_settings.get(impl, config.settings)


def _train_config(config: Config, dataset: str, setting: str, impl: str, seed: int
                  ) -> TrainConfig:
    s = config.settings[setting]
    paired = impl == "torch-paired"
    base = TrainConfig(impl="torch" if paired else impl, init_from="scratch" if paired else "own",
                       dataset=dataset, epochs=config.epochs, batch_size=config.batch_size,
                       train_size=config.train_size,
                       dtype=config.dtype, seed=seed, device="cpu")
    return replace(base, hidden=s.hidden, cost=s.cost, eta=s.eta, init=s.init, lmbda=s.lmbda)


def summarise(runs: tuple[Run, ...], config: Config) -> tuple[Row, ...]:
    """One row per (dataset, setting, implementation): the book's statistic and the spread."""
    rows = []
    for dataset in config.datasets:
        for name, setting in config.settings.items():
            group = [r for r in runs if (r.dataset, r.setting) == (dataset, name)]
            if not group:
                continue
            split = setting.book_split
            best_of_setting = max(max(r.history.accuracy(split)) for r in group)
            for impl in dict.fromkeys(r.impl for r in group):
                chosen = sorted((r for r in group if r.impl == impl), key=lambda r: r.seed)
                book = setting.book if dataset == "mnist" else None
                rows.append(_row(chosen, name, setting, book, best_of_setting))
    return tuple(rows)


def _row(runs: list[Run], name: str, setting: Setting, book: float | None,
         best_of_setting: float) -> Row:
    """The book's statistic over the first three seeds and the spread over all."""
    curves = [np.array(r.history.accuracy(setting.book_split)) for r in runs]
    per_seed = np.array([c.max() if setting.statistic == "best" else c[-1] for c in curves])
    best = np.array([c.max() for c in curves])
    book_statistic = float(per_seed[:BOOK_STATISTIC_SEEDS].max())
    return Row(
        dataset=runs[0].dataset, setting=name, impl=runs[0].impl, split=setting.book_split,
        statistic=setting.statistic, seeds=len(runs), book=book, best_of_3=book_statistic,
        mean=float(per_seed.mean()), min=float(per_seed.min()), max=float(per_seed.max()),
        stalled=int(np.sum(best < best_of_setting - STALL_MARGIN)),
        per_seed=tuple(float(v) for v in per_seed), seed_list=tuple(r.seed for r in runs),
        gap_to_book_pp=None if book is None else 100 * (book_statistic - book),
        seconds_per_epoch=float(np.median([np.median(r.history.seconds) for r in runs])))


def _headline(rows: tuple[Row, ...]) -> Summary:
    """Numbers the site quotes in prose."""
    mnist = [r for r in rows if r.dataset == "mnist" and r.impl != "torch-paired"]
    return Summary(largest_gap_pp=max(abs(r.gap_to_book_pp) for r in mnist))
