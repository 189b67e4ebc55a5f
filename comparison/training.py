"""Training every implementation the same way: one config, one batch order, one history.

Each implementation keeps its own idiom (see ``scratch/``, ``torch_net.py``, ``keras_net.py``);
this module only gives them a common shape, a *runner* with ``train_epoch``, ``evaluate`` and
``parameters``, so that experiments and the equivalence tests can drive them alike.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
from tqdm import tqdm

from comparison.data import Dataset
from comparison.runners import make_runner
from comparison.variants import VARIANTS

IMPLEMENTATIONS = ("scratch", "torch", "keras")  # keras: an optional extra


def installed(impls: Sequence[str] = IMPLEMENTATIONS) -> list[str]:
    """Those of ``impls`` whose libraries are installed: experiments leave out Keras without
    its extra, and the site says it was not measured."""
    extra = ("keras", "tensorflow")
    keras = all(importlib.util.find_spec(module) is not None for module in extra)
    return [impl for impl in impls if impl != "keras" or keras]


class TrainingDiverged(RuntimeError):
    """The weights became NaN or infinite."""


@dataclass(frozen=True)
class TrainConfig:
    """One training run. The defaults are the book's first run (chapter 1)."""

    impl: str = "scratch"
    dataset: str = "mnist"
    hidden: tuple[int, ...] = (30,)
    epochs: int = 30
    batch_size: int = 10
    eta: float = 3.0
    cost: str = "quadratic"
    lmbda: float = 0.0
    init: str = "large"
    seed: int = 0
    dtype: str = "float64"
    device: str = "auto"
    train_size: int | None = None  # use only the first n training images
    monitor_training: bool = False  # also measure cost/accuracy on the training data
    per_example: bool = False  # scratch only: the book's one-example-at-a-time backprop
    # torch and keras: "scratch" starts from the scratch network's initial weights for this seed,
    # a paired control that separates the implementation from the luck of the draw.
    init_from: str = "own"
    variant: str = "baseline"  # a change to the network, from ``variants.VARIANTS``

    def __post_init__(self) -> None:
        checks = [
            (self.impl in IMPLEMENTATIONS, f"unknown implementation {self.impl!r}: "
                                           f"choose {', '.join(IMPLEMENTATIONS)}"),
            (self.eta > 0, f"eta must be > 0 (got {self.eta})"),
            (self.batch_size >= 1, f"batch size must be >= 1 (got {self.batch_size})"),
            (self.epochs >= 1, f"epochs must be >= 1 (got {self.epochs})"),
            (len(self.hidden) >= 1 and min(self.hidden) >= 1,
             f"every hidden layer needs >= 1 neuron (got {list(self.hidden)})"),
            (self.lmbda >= 0, f"lmbda must be >= 0 (got {self.lmbda})"),
            (self.cost in ("quadratic", "cross-entropy"), f"unknown cost {self.cost!r}"),
            (self.init in ("large", "scaled"), f"unknown init {self.init!r}"),
            (self.dtype in ("float32", "float64"), f"unknown dtype {self.dtype!r}"),
            (self.train_size is None or self.train_size >= 1, "train size must be >= 1"),
            (not self.per_example or self.impl == "scratch",
             "--per-example is the scratch implementation's reference path only"),
            (self.init_from in ("own", "scratch"), f"unknown init_from {self.init_from!r}"),
            (self.variant in VARIANTS, f"unknown variant {self.variant!r}: choose one of "
                                       f"{', '.join(VARIANTS)}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def sizes(self, n_in: int = 784, n_out: int = 10) -> list[int]:
        return [n_in, *self.hidden, n_out]

    def as_dict(self) -> dict:
        return asdict(self)


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """A fresh random order of ``range(n)``, cut into mini-batches (the last may be short)."""
    order = rng.permutation(n)
    return [order[k : k + batch_size] for k in range(0, n, batch_size)]


def train(
    config: TrainConfig,
    data: Dataset,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Train as ``config`` says; return the config, per-epoch history and the best epoch."""
    if config.train_size:
        data = _with_train_head(data, config.train_size)
    runner = make_runner(config, data)
    rng = np.random.default_rng(config.seed)
    history: dict[str, list] = {"epoch": [], "seconds": []}
    for epoch in range(1, config.epochs + 1):
        batches = minibatches(len(data.train), config.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch}/{config.epochs}", leave=False,
                   disable=not progress, unit="batch", mininterval=0.5)
        start = time.perf_counter()
        runner.train_epoch(bar)
        seconds = time.perf_counter() - start
        bar.close()
        _check_finite(runner.parameters(), epoch, config.eta)
        history["epoch"].append(epoch)
        history["seconds"].append(seconds)
        splits = ("training", "validation", "test") if config.monitor_training else (
            "validation", "test")
        for split in splits:
            cost, accuracy = runner.evaluate(split)
            history.setdefault(f"{split}_cost", []).append(cost)
            history.setdefault(f"{split}_accuracy", []).append(accuracy)
        if progress:
            log(f"epoch {epoch:>3}/{config.epochs}: "
                f"validation {history['validation_accuracy'][-1]:.2%}  "
                f"test {history['test_accuracy'][-1]:.2%}  ({seconds:.2f} s)")
    return {"config": config.as_dict(), "device": runner.device, "history": history,
            "best": best_epoch(history)}


def best_epoch(history: dict) -> dict:
    """The epoch with the highest test accuracy (the book's ch. 1 statistic) and its figures."""
    i = int(np.argmax(history["test_accuracy"]))
    return {"epoch": history["epoch"][i], "test_accuracy": history["test_accuracy"][i],
            "validation_accuracy": history["validation_accuracy"][i],
            "best_validation_accuracy": max(history["validation_accuracy"])}


def _with_train_head(data: Dataset, n: int) -> Dataset:
    return replace(data, train=data.train.head(n))


def _check_finite(parameters: Sequence, epoch: int, eta: float) -> None:
    if not all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in parameters):
        raise TrainingDiverged(f"the weights became NaN or infinite in epoch {epoch}: "
                               f"training diverged; try a smaller eta (e.g. --eta {eta / 10:g})")

