"""Adapters giving every implementation the same three verbs for training code to call.

``train_epoch(batches)`` runs one pass over the given mini-batches (arrays of row indices into
the training split), ``evaluate(split)`` returns (cost, accuracy) and ``parameters()`` returns
``[(W, b), ...]`` as NumPy arrays in the book's shapes. Data is converted once, up front, into
whatever layout each implementation prefers, so no conversion is timed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import numpy as np
import torch
from tqdm import tqdm

from comparison import torch_net
from comparison.data import Dataset
from comparison.scratch import COSTS
from comparison.scratch.network import one_hot
from comparison.variants import VARIANTS


class ScratchRunner:
    def __init__(self, config, data: Dataset, n_train: int) -> None:
        self.config, self.n_train, self.device = config, n_train, "cpu"
        dtype = np.dtype(config.dtype)
        self.net = scratch_network(config)
        # Rows (n, 784) for gathering a batch; the network wants columns, so batches are
        # transposed views (free) rather than copies.
        self.splits = {name: (split.x.astype(dtype), split.y, one_hot(split.y, dtype=dtype))
                       for name, split in _named_splits(data).items()}

    def train_epoch(self, batches: Iterable[np.ndarray]) -> None:
        x, _, y = self.splits["training"]
        c = self.config
        for index in batches:
            self.net.update_mini_batch(x[index].T, y[:, index], c.eta, c.lmbda, self.n_train,
                                       per_example=c.per_example)

    def evaluate(self, split: str) -> tuple[float, float]:
        x, labels, y = self.splits[split]
        return _in_chunks(lambda k: (self.net.total_cost(x[k].T, y[:, k]),
                                     self.net.accuracy(x[k].T, labels[k])), len(x))

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return self.net.parameters()

    def set_parameters(self, parameters) -> None:
        self.net.set_parameters(parameters)


class TorchRunner:
    def __init__(self, config, data: Dataset, n_train: int) -> None:
        device = torch_net.resolve_device(config.device)
        dtype = getattr(torch, config.dtype)
        variant = VARIANTS[config.variant]
        torch.manual_seed(config.seed)
        self.model = variant.torch_model(config.sizes()).to(device=device, dtype=dtype)
        torch_net.init_weights(self.model, config.init)
        self.cost = variant.torch_cost or torch_net.COSTS[config.cost]
        make_optimizer = variant.torch_optimizer or torch_net.make_optimizer
        self.optimizer = make_optimizer(self.model, config.eta, config.lmbda, n_train)
        self.splits = {}
        for name, split in _named_splits(data).items():
            x = torch.as_tensor(split.x, dtype=dtype, device=device)
            labels = torch.as_tensor(split.y, device=device)
            self.splits[name] = (x, labels, torch.nn.functional.one_hot(labels, 10).to(dtype))
        self.device = str(device)

    def train_epoch(self, batches: Iterable[np.ndarray]) -> None:
        x, _, target = self.splits["training"]
        device = x.device
        indices = (torch.from_numpy(index).to(device) for index in batches)
        torch_net.train_epoch(self.model, self.optimizer, self.cost, x, target, indices)

    def evaluate(self, split: str) -> tuple[float, float]:
        x, labels, _ = self.splits[split]
        return _in_chunks(lambda k: torch_net.evaluate(self.model, self.cost, x[k], labels[k]),
                          len(x))

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return torch_net.get_parameters(self.model)

    def set_parameters(self, parameters) -> None:
        torch_net.set_parameters(self.model, parameters)


class KerasRunner:
    """The optional third implementation, on the CPU (``tensorflow-cpu``)."""

    def __init__(self, config, data: Dataset, n_train: int) -> None:
        if config.device not in ("auto", "cpu"):
            raise ValueError("the Keras implementation runs on the CPU here: use --device cpu")
        self.keras_net, self.device = _keras("keras_net"), "cpu"
        variant = VARIANTS[config.variant]
        build = _keras(variant.keras_model)
        self.model = build(config.sizes(), config.init, config.lmbda, n_train, config.seed,
                           config.dtype)
        self.cost = (_keras(variant.keras_cost) if variant.keras_cost
                     else self.keras_net.COSTS[config.cost])
        _keras(variant.keras_compile)(self.model, self.cost, config.eta)
        self.splits = {name: (split.x.astype(config.dtype), split.y,
                              one_hot(split.y, dtype=config.dtype).T)
                       for name, split in _named_splits(data).items()}

    def train_epoch(self, batches: Iterable[np.ndarray]) -> None:
        x, _, target = self.splits["training"]
        callbacks = []
        if isinstance(batches, tqdm) and not batches.disable:
            # fit takes every batch before it starts, so iterating a progress bar would fill it
            # at once: a callback advances it after each batch instead.
            bar, batches = batches, batches.iterable
            callbacks.append(self.keras_net.keras.callbacks.LambdaCallback(
                on_train_batch_end=lambda batch, logs: bar.update()))
        self.keras_net.train_epoch(self.model, x, target, list(batches), callbacks)

    def evaluate(self, split: str) -> tuple[float, float]:
        x, labels, target = self.splits[split]
        return _in_chunks(lambda k: self.keras_net.evaluate(self.model, self.cost, x[k],
                                                            labels[k], target[k]), len(x))

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return self.keras_net.get_parameters(self.model)

    def set_parameters(self, parameters) -> None:
        self.keras_net.set_parameters(self.model, parameters)


def _keras(name: str):
    """``comparison.<module>`` or ``comparison.<module>.<function>``, imported on first use:
    Keras is an optional extra."""
    module, _, function = name.partition(".")
    try:
        found = importlib.import_module(f"comparison.{module}")
    except ImportError as error:
        raise ValueError(f"the Keras implementation needs its optional extra ({error}): "
                         "pip install -r requirements-keras.txt") from None
    return getattr(found, function) if function else found


def _in_chunks(evaluate, n: int, chunk: int = 1000) -> tuple[float, float]:
    """(mean cost, accuracy) over n examples from ``evaluate(slice)`` on chunks of them.

    A whole split at once would hold, for the conv variant, every 5x5 patch of 10,000 images
    (over a gigabyte in float64); chunks bound the memory and change only the round-off.
    """
    totals = np.zeros(2)
    for start in range(0, n, chunk):
        part = slice(start, min(start + chunk, n))
        totals += np.array(evaluate(part)) * (part.stop - part.start)
    cost, accuracy = totals / n
    return float(cost), float(accuracy)


def _named_splits(data: Dataset) -> dict:
    return {"training": data.train, "validation": data.validation, "test": data.test}


def make_runner(config, data: Dataset, n_train: int | None = None):
    """The runner for ``config.impl`` over ``data``; ``n_train`` scales L2 (default: all)."""
    runner_class = {"scratch": ScratchRunner, "torch": TorchRunner,
                    "keras": KerasRunner}[config.impl]
    runner = runner_class(config, data, n_train or len(data.train))
    if config.init_from == "scratch" and config.impl != "scratch":
        runner.set_parameters(scratch_network(config).parameters())
    return runner


def scratch_network(config):
    """The from-scratch network (of ``config.variant``) that ``config`` describes."""
    variant = VARIANTS[config.variant]
    return variant.scratch_network(config.sizes(), cost=variant.scratch_cost or COSTS[config.cost],
                                   init=config.init, seed=config.seed, dtype=np.dtype(config.dtype))
