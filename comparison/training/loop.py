"""``train``: one run, the same way for every implementation.

Each epoch takes a fresh batch order (``scratch.network.minibatches``, so one seed means the
same batches in every implementation), trains on it through the runner, checks the weights and
costs are finite, and evaluates. The result is the config, the per-epoch history and the best
epoch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from tqdm import tqdm

from comparison.data import Dataset
from comparison.data.batches import minibatches
from comparison.training.config import TrainConfig
from comparison.training.protocol import Runner
from comparison.training.runners import make_runner

__all__ = ["TrainingDiverged", "best_epoch", "minibatches", "train"]


class TrainingDiverged(RuntimeError):
    """The weights or the cost became NaN or infinite."""


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
        with tqdm(total=len(batches), desc=f"epoch {epoch}/{config.epochs}", leave=False,
                  disable=not progress, unit="batch", mininterval=0.5) as bar:
            start = time.perf_counter()
            runner.train_epoch(batches, on_batch=bar.update if progress else None)
            seconds = time.perf_counter() - start
        _check_finite(runner.parameters(), epoch, config.eta)
        history["epoch"].append(epoch)
        history["seconds"].append(seconds)
        _evaluate(runner, history, config, epoch)
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


def _evaluate(runner: Runner, history: dict, config: TrainConfig, epoch: int) -> None:
    splits = ("training", "validation", "test") if config.monitor_training else (
        "validation", "test")
    for split in splits:
        cost, accuracy = runner.evaluate(split)
        if not math.isfinite(cost):
            raise TrainingDiverged(_diverged(f"the {split} cost became {cost}", epoch,
                                             config.eta))
        history.setdefault(f"{split}_cost", []).append(cost)
        history.setdefault(f"{split}_accuracy", []).append(accuracy)


def _diverged(what: str, epoch: int, eta: float) -> str:
    return (f"{what} in epoch {epoch}: training diverged; try a smaller eta "
            f"(e.g. --eta {eta / 10:g})")


def _with_train_head(data: Dataset, n: int) -> Dataset:
    return replace(data, train=data.train.head(n))


def _check_finite(parameters: Sequence, epoch: int, eta: float) -> None:
    if not all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in parameters):
        raise TrainingDiverged(_diverged("the weights became NaN or infinite", epoch, eta))

