"""The correct training program of each implementation, with slots a planted bug fills.

A program is built from a ``TrainConfig`` (its variant and settings), the data, the slots a
``Plant`` replaces (``"slot" -> "file::name"``) and the parameters to start from: every
program starts from the from-scratch network's initial parameters for the seed, so that all
runs of one seed differ only in their code. Then it trains one epoch on given mini-batches
(``train``), and reports its test accuracy and its parameters in the book's shapes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from comparison.data import Dataset
from comparison.data.batches import one_hot
from comparison.scratch import COSTS
from comparison.scratch.network import Network
from comparison.training import TrainConfig
from comparison.training.protocol import Parameters, reporting
from comparison.training.variants import VARIANTS

ONE_HOT = "data/batches.py::one_hot"


class Program(Protocol):
    def train(self, batches: Sequence[np.ndarray], on_step: Callable[[], None]) -> None:
        """One pass over ``batches`` (row indices into the training data), in order;
        ``on_step`` is called after each mini-batch's update."""

    def accuracy(self) -> float:
        """The fraction of the test images classified right."""

    def parameters(self) -> Parameters: ...


def resolve(ref: str):
    """The object a ``"file::Qualified.name"`` reference under ``comparison/`` names."""
    file, _, name = ref.partition("::")
    found = importlib.import_module("comparison." + file.removesuffix(".py").replace("/", "."))
    for part in name.split("."):
        found = getattr(found, part)
    return found


def make_program(config: TrainConfig, data: Dataset, slots: dict[str, str],
                 start: Parameters) -> Program:
    """The program of ``config.impl``, with ``slots`` filled by the bug's code."""
    programs = {"scratch": ScratchProgram, "torch": TorchProgram, "keras": KerasProgram}
    return programs[config.impl](config, data, slots, start)


class ScratchProgram:
    def __init__(self, config: TrainConfig, data: Dataset, slots: dict[str, str],
                 start: Parameters) -> None:
        version = VARIANTS[config.variant].version("scratch")
        network = resolve(slots["network"]) if "network" in slots else version.model or Network
        self.config, self.dtype = config, np.dtype(config.dtype)
        # The start is this network's own draw for the seed: set_parameters would hide a
        # mistake in how the weights are created.
        self.net = network(config.sizes(), cost=version.cost or COSTS[config.cost],
                           init=config.init, seed=config.seed, dtype=self.dtype)
        targets = resolve(slots.get("targets", ONE_HOT))
        self.x, self.y = data.train.x.astype(self.dtype), targets(data.train.y, 10, self.dtype)
        self.test = data.test

    def batch(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inputs (784, m) and desired outputs of one mini-batch, as the network takes them."""
        return self.x[index].T, self.y[..., index]

    def train(self, batches: Sequence[np.ndarray], on_step: Callable[[], None]) -> None:
        c = self.config
        for index in reporting(batches, on_step):
            self.net.update_mini_batch(*self.batch(index), c.eta, c.lmbda, len(self.x))

    def accuracy(self) -> float:
        return self.net.accuracy(self.test.x.astype(self.dtype).T, self.test.y)

    def parameters(self) -> Parameters:
        return self.net.parameters()


class TorchProgram:
    def __init__(self, config: TrainConfig, data: Dataset, slots: dict[str, str],
                 start: Parameters) -> None:
        import torch

        from comparison.torch import network

        version = VARIANTS[config.variant].version("torch")
        self.dtype = getattr(torch, config.dtype)
        torch.manual_seed(config.seed)
        model = resolve(slots["model"]) if "model" in slots else version.model or network.Net
        self.model = model(config.sizes()).to(dtype=self.dtype)
        if [w.shape for w, _ in network.get_parameters(self.model)] == [w.shape for w, _ in start]:
            network.set_parameters(self.model, start)  # else the model's mistake is its shapes
        self.cost = (resolve(slots["cost"]) if "cost" in slots
                     else version.cost or network.COSTS[config.cost])
        make_optimizer = version.optimizer or network.make_optimizer
        self.optimizer = make_optimizer(self.model, config.eta, config.lmbda, len(data.train))
        self._train_epoch = resolve(slots.get("train_epoch", "torch/network.py::train_epoch"))
        self._evaluate = resolve(slots.get("evaluate", "torch/network.py::evaluate"))
        targets = resolve(slots.get("targets", ONE_HOT))
        self.x = torch.as_tensor(data.train.x, dtype=self.dtype)
        self.target = torch.as_tensor(targets(data.train.y, 10, np.dtype(config.dtype)).T)
        self.test = (torch.as_tensor(data.test.x, dtype=self.dtype), torch.as_tensor(data.test.y))

    def train(self, batches: Sequence[np.ndarray], on_step: Callable[[], None]) -> None:
        import torch

        indices = (torch.from_numpy(index) for index in reporting(batches, on_step))
        self._train_epoch(self.model, self.optimizer, self.cost, self.x, self.target, indices)

    def accuracy(self) -> float:
        return self._evaluate(self.model, self.cost, *self.test)[1]

    def parameters(self) -> Parameters:
        from comparison.torch import network

        return network.get_parameters(self.model)


class KerasProgram:
    def __init__(self, config: TrainConfig, data: Dataset, slots: dict[str, str],
                 start: Parameters) -> None:
        from comparison.keras import network

        version = VARIANTS[config.variant].version("keras")
        build = resolve(slots.get("build", _keras(version.model or "network.build")))
        self.model = build(config.sizes(), config.init, config.lmbda, len(data.train),
                           config.seed, config.dtype)
        network.set_parameters(self.model, start)
        self.cost = (resolve(slots["cost"]) if "cost" in slots
                     else resolve(_keras(version.cost)) if version.cost
                     else network.COSTS[config.cost])
        compile_model = resolve(_keras(version.optimizer or "network.compile_model"))
        compile_model(self.model, self.cost, config.eta)
        self._evaluate = resolve(slots.get("evaluate", "keras/network.py::evaluate"))
        targets = resolve(slots.get("targets", ONE_HOT))
        self.x = data.train.x.astype(config.dtype)
        self.target = targets(data.train.y, 10, np.dtype(config.dtype)).T
        self.test = (data.test.x.astype(config.dtype), data.test.y,
                     one_hot(data.test.y, 10, np.dtype(config.dtype)).T)

    def train(self, batches: Sequence[np.ndarray], on_step: Callable[[], None]) -> None:
        import tensorflow as tf

        from comparison.keras import network

        order = np.concatenate(batches)
        rows = tf.data.Dataset.from_tensor_slices((self.x[order], self.target[order]))
        count = network.keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: on_step())
        network.train_epoch(self.model, rows, len(batches[0]), [count])

    def accuracy(self) -> float:
        return self._evaluate(self.model, self.cost, *self.test)[1]

    def parameters(self) -> Parameters:
        from comparison.keras import network

        return network.get_parameters(self.model)


def _keras(name: str) -> str:
    """A ``training.variants`` Keras name ("module.function") as a reference."""
    module, _, function = name.rpartition(".")
    return f"keras/{module}.py::{function}"
