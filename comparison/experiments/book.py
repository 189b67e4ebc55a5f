"""Does each implementation reproduce the book's published accuracies?

Three runs from the book, trained with each implementation over several seeds (Keras, an
optional extra, where installed and on MNIST only):

* ch. 1, 784-30-10, quadratic cost, eta 3.0, mini-batch 10, 30 epochs: 95.42% (test data);
* ch. 1, 784-100-10, same settings: 96.59% (test data);
* ch. 3, 784-100-10, cross-entropy, scaled init, L2 lmbda 5.0, eta 0.5: "about 98%"
  (validation data).

The book quotes the best epoch of the best of three runs, so that statistic (over the first
three seeds) is reported, beside the mean and spread over all seeds and the number of runs that
stalled. The same settings also run on Fashion-MNIST when present.

A paired control, "torch-paired", trains PyTorch from the scratch network's initial weights
for the same seeds: where it matches scratch run for run while PyTorch's own draw does not,
the difference lies in the initial weights, not in the implementation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from comparison.data import SPECS, DataError, locate
from comparison.experiments.context import Context, run_parallel, train_history
from comparison.training import TrainConfig, installed

SOURCES = ("experiments/book.py", "experiments/context.py")


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


SETTINGS = {
    "ch1-30": Setting((30,), "quadratic", 3.0, "large", 0.0, 0.9542, "test"),
    "ch1-100": Setting((100,), "quadratic", 3.0, "large", 0.0, 0.9659, "test"),
    "ch3-100": Setting((100,), "cross-entropy", 0.5, "scaled", 5.0, 0.98, "validation"),
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
    # Keras's fit runs mini-batch 10 about 5x slower than the NumPy network here, so it trains
    # the book's runs on MNIST only: Fashion-MNIST as well would take the full profile past an
    # hour.
    keras_datasets: tuple[str, ...] = ("mnist",)
    base_seed: int = 0
    batch_size: int = 10
    dtype: str = "float64"


PROFILES = {"smoke": dict(epochs=1, seeds=1, paired=()),
            "quick": dict(epochs=3, seeds=1, paired=()),
            "full": dict(epochs=30, seeds=5, paired=("ch1-100",))}
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


def run(config: Config, context: Context) -> dict:
    seeds = [config.base_seed + k for k in range(config.seeds)]
    jobs = [(dataset, setting, impl, seed)
            for dataset in config.datasets for setting in config.settings
            for impl in config.implementations for seed in seeds
            if impl != "keras" or dataset in config.keras_datasets]
    jobs += [("mnist", setting, "torch-paired", seed) for setting in config.paired
             for seed in seeds]
    args = [(context.data_dir, _train_config(config, dataset, setting, impl, seed))
            for dataset, setting, impl, seed in jobs]
    histories = run_parallel(train_history, args, context, desc="book runs")
    runs = [{"dataset": d, "setting": s, "impl": i, "seed": seed, "history": h}
            for (d, s, i, seed), h in zip(jobs, histories)]
    rows = summarise(runs, config)
    return {"rows": rows, "runs": runs, "summary": _headline(rows)}


def _train_config(config: Config, dataset: str, setting: str, impl: str, seed: int
                  ) -> TrainConfig:
    s = config.settings[setting]
    paired = impl == "torch-paired"
    base = TrainConfig(impl="torch" if paired else impl, init_from="scratch" if paired else "own",
                       dataset=dataset, epochs=config.epochs, batch_size=config.batch_size,
                       dtype=config.dtype, seed=seed, device="cpu")
    return replace(base, hidden=s.hidden, cost=s.cost, eta=s.eta, init=s.init, lmbda=s.lmbda)


def summarise(runs: list[dict], config: Config) -> list[dict]:
    """One row per (dataset, setting, implementation): the book's statistic and the spread."""
    rows = []
    for dataset in config.datasets:
        for name, setting in config.settings.items():
            split = setting.book_split
            group = [r for r in runs if (r["dataset"], r["setting"]) == (dataset, name)]
            best_of_setting = max(max(r["history"][f"{split}_accuracy"]) for r in group)
            for impl in dict.fromkeys(r["impl"] for r in group):
                chosen = sorted((r for r in group if r["impl"] == impl), key=lambda r: r["seed"])
                best = np.array([max(r["history"][f"{split}_accuracy"]) for r in chosen])
                book = setting.book if dataset == "mnist" else None
                book_statistic = float(best[:BOOK_STATISTIC_SEEDS].max())
                rows.append({
                    "dataset": dataset, "setting": name, "impl": impl, "split": split,
                    "seeds": len(chosen), "book": book,
                    "best_of_3": book_statistic, "best_of_all": float(best.max()),
                    "mean_best": float(best.mean()), "min_best": float(best.min()),
                    "max_best": float(best.max()),
                    "stalled": int(np.sum(best < best_of_setting - STALL_MARGIN)),
                    "per_seed_best": [float(b) for b in best],
                    "gap_to_book_pp": None if book is None else 100 * (book_statistic - book),
                    "seconds_per_epoch": float(np.median(
                        [np.median(r["history"]["seconds"]) for r in chosen])),
                })
    return rows


def _headline(rows: list[dict]) -> dict:
    """Numbers the site quotes in prose."""
    mnist = [r for r in rows if r["dataset"] == "mnist" and r["impl"] != "torch-paired"]
    return {"largest_gap_pp": max(abs(r["gap_to_book_pp"]) for r in mnist),
            "within_0_6_pp": all(abs(r["gap_to_book_pp"]) <= 0.6 for r in mnist)}
