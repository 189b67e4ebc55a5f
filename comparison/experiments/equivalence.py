"""Do the implementations compute the same thing? Measured on real MNIST.

The tuned NumPy step (``scratch/tuned.py``), PyTorch, Keras and JAX (where installed) each
start from the scratch network's initial parameters and see the same mini-batches; after
training, the largest difference between any two matching parameters is recorded for each
cost, with and without L2, in float64 and float32.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from comparison.data import load_dataset
from comparison.experiments.harness.context import Context
from comparison.training import TrainConfig, installed, minibatches
from comparison.training.runners import make_runner

READS = ()  # its inputs are what it imports (results/inputs.py)
TUNED = "scratch-tuned"  # the scratch network's step written for speed, compared like the rest
SETTINGS = {
    "quadratic": dict(cost="quadratic", eta=3.0, lmbda=0.0, init="large"),
    "quadratic + L2": dict(cost="quadratic", eta=3.0, lmbda=5.0, init="large"),
    "cross-entropy": dict(cost="cross-entropy", eta=0.5, lmbda=0.0, init="scaled"),
    "cross-entropy + L2": dict(cost="cross-entropy", eta=0.5, lmbda=5.0, init="scaled"),
}
DIFFERENCE = "{}_max_abs_difference"  # a row's column for each other implementation
PROFILES = {"smoke": dict(examples=100, epochs=1), "quick": dict(examples=1000, epochs=2),
            "full": dict(examples=10_000, epochs=2)}


@dataclass(frozen=True)
class Config:
    profile: str
    examples: int  # the first n MNIST training images
    epochs: int
    settings: dict[str, dict]  # cost, eta, lmbda and init of each setting
    others: tuple[str, ...]  # the implementations compared with scratch
    dtypes: tuple[str, ...] = ("float64", "float32")
    seed: int = 0
    batch_size: int = 10
    datasets: tuple[str, ...] = ("mnist",)


@dataclass(frozen=True)
class Result:
    config: Config
    # one per setting and dtype: its DIFFERENCE for each other implementation, and
    # "max_abs_change_in_training" (how far training moved scratch's own parameters)
    rows: tuple[dict[str, str | float], ...]
    worst: dict[str, dict[str, float]]  # implementation -> dtype -> its largest difference


def make_config(profile: str, context: Context) -> Config:
    others = (TUNED, *(impl for impl in installed() if impl != "scratch"))
    return Config(profile=profile, **PROFILES[profile], settings=SETTINGS, others=others,
                  seed=context.seed)


def run(config: Config, context: Context) -> Result:
    data = load_dataset("mnist", context.data_dir)
    data = replace(data, train=data.train.head(config.examples))
    rows = []
    for name, setting in config.settings.items():
        for dtype in config.dtypes:
            train_config = TrainConfig(batch_size=config.batch_size, dtype=dtype,
                                       seed=config.seed, device="cpu", **setting)
            row = {"setting": name, "dtype": dtype}
            for other in config.others:
                scratch, twin = train_pair(train_config, data, config.epochs, other)
                row[DIFFERENCE.format(other)] = max_difference(scratch, twin)
            initial = make_runner(train_config, data).parameters()
            rows.append(row | {"max_abs_change_in_training": max_difference(scratch, initial)})
    worst = {other: {dtype: max(r[DIFFERENCE.format(other)] for r in rows
                                if r["dtype"] == dtype) for dtype in config.dtypes}
             for other in config.others}
    return Result(config, tuple(rows), worst)


def train_pair(config: TrainConfig, data, epochs: int, other: str = "torch") -> tuple[list, list]:
    """Train scratch and ``other`` from scratch's initial parameters on one batch order."""
    scratch = make_runner(replace(config, impl="scratch"), data)
    twin = make_runner(replace(config, impl="scratch", tuned=True) if other == TUNED
                       else replace(config, impl=other, init_from="scratch"), data)
    rng = np.random.default_rng(config.seed)
    for _ in range(epochs):
        batches = minibatches(len(data.train), config.batch_size, rng)
        scratch.train_epoch(batches)
        twin.train_epoch(batches)
    return scratch.parameters(), twin.parameters()


def max_difference(a: list, b: list) -> float:
    """The largest absolute difference between matching entries of two parameter lists."""
    return max(float(np.max(np.abs(x - y))) for pa, pb in zip(a, b) for x, y in zip(pa, pb))
