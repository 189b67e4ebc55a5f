"""The JAX network behind the ``Runner`` protocol (``training/protocol.py``).

Every split becomes a device array once, up front; a step gathers its batch there. JAX
dispatches asynchronously: a call returns before its work is done, so ``train_epoch`` waits
for the last step's parameters before it returns, or a timer would time only the dispatch;
with an ``on_batch`` callback it waits for every step, as a clock inside the callback needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from comparison.data import Dataset
from comparison.implementations import Version
from comparison.jax import network, tooling
from comparison.training.config import TrainConfig
from comparison.training.protocol import SPLITS, Parameters, SplitArrays, in_chunks


class JaxRunner:
    def __init__(self, config: TrainConfig, data: Dataset, n_train: int,
                 version: Version) -> None:
        self._device = _device(config.device)
        self.device = "cpu" if self._device.platform == "cpu" else f"cuda:{self._device.id}"
        self.dtype = config.dtype
        self.forward = _function(version.model or "network.forward")
        self.cost = _function(version.cost) if version.cost else network.COSTS[config.cost]
        self.optimizer = _function(version.optimizer or "network.make_optimizer")(config.eta)
        self._step = network.make_step(self.forward, self.cost, self.optimizer, config.lmbda,
                                       n_train)
        self._logits = jax.jit(self.forward)
        with jax.default_device(self._device):
            self._set(network.init(config.sizes(), config.init, config.seed, config.dtype))
            self._splits = {name: SplitArrays(
                jnp.asarray(split.x, self.dtype), jnp.asarray(split.y),
                jax.nn.one_hot(split.y, 10, dtype=self.dtype))
                for name, split in zip(SPLITS, (data.train, data.validation, data.test))}

    def _set(self, params: network.Params) -> None:
        self.model = jax.device_put(params, self._device)  # the parameter pytree
        self.state = self.optimizer.init(self.model)

    def split(self, name: str) -> SplitArrays:
        return self._splits[name]

    def train_epoch(self, batches: Sequence[np.ndarray],
                    on_batch: Callable[[], None] | None = None) -> None:
        train = self._splits["training"]
        # each batch's indices go to the device with its step: measured here, that is faster
        # than copying them all first (one device_put per array) and far faster than one
        # jnp.split (XLA compiles a program with an output per batch: seconds for 5,000)
        for index in batches:
            self.model, self.state = self._step(self.model, self.state, train.x, train.target,
                                                index)
            if on_batch:  # a callback sees its step done: it may be a clock, or evaluate
                jax.block_until_ready(self.model)
                on_batch()
        jax.block_until_ready((self.model, self.state))

    def evaluate(self, split: str) -> tuple[float, float]:
        s = self._splits[split]
        return in_chunks(lambda k: network.evaluate(self._logits, self.cost, self.model,
                                                    s.x[k], s.labels[k], s.target[k]),
                         len(s.x))

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self._logits(self.model, jax.device_put(x.astype(self.dtype),
                                                                  self._device)))

    def parameters(self) -> Parameters:
        return network.get_parameters(self.model)

    def set_parameters(self, parameters: Parameters) -> None:
        self._set(network.set_parameters(parameters, self.dtype))

    def compile(self, **options) -> None:
        raise NotImplementedError("the JAX step is always compiled (jax.jit); its compile "
                                  "time is its first step's")

    def export(self, path: Path) -> Callable[[np.ndarray], np.ndarray]:
        """A serialized ``jax.export`` program (StableHLO), loaded back: it runs with JAX
        alone, without this project's code."""
        tooling.export(self.forward, self.model, 784, self.dtype, path)
        loaded = tooling.load_exported(path)
        return lambda x: np.asarray(loaded(x.astype(self.dtype)))


def _device(name: str) -> jax.Device:
    """``auto`` is JAX's default device; asking for an absent GPU is an error, not a fallback."""
    if name == "auto":
        return jax.devices()[0]
    if name.startswith("cuda"):
        try:
            return jax.devices("cuda")[int(name.partition(":")[2] or 0)]
        except RuntimeError:
            raise ValueError("--device cuda was asked for, but JAX sees no CUDA GPU here (the "
                             "extra installs JAX's CPU build); use --device cpu") from None
    return jax.devices("cpu")[0]


def _function(name: str) -> Callable:
    """``comparison.jax.<module>.<function>``: variants name JAX functions as strings so that
    only this runner imports JAX."""
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"comparison.jax.{module}"), function)
