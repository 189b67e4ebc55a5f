"""The Keras network behind the ``Runner`` protocol (``training/protocol.py``), on the CPU
(the extra is ``tensorflow-cpu``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from comparison.data import Dataset
from comparison.keras import network, tooling
from comparison.scratch.network import one_hot
from comparison.training.config import TrainConfig
from comparison.training.protocol import SPLITS, Parameters, SplitArrays, in_chunks
from comparison.training.variants import Variant


class KerasRunner:
    device = "cpu"

    def __init__(self, config: TrainConfig, data: Dataset, n_train: int,
                 variant: Variant) -> None:
        if config.device not in ("auto", "cpu"):
            raise ValueError("the Keras implementation runs on the CPU here: use --device cpu")
        self.model = _function(variant.keras_model)(config.sizes(), config.init, config.lmbda,
                                                    n_train, config.seed, config.dtype)
        self.cost = (_function(variant.keras_cost) if variant.keras_cost
                     else network.COSTS[config.cost])
        _function(variant.keras_compile)(self.model, self.cost, config.eta)
        self._splits = {name: SplitArrays(split.x.astype(config.dtype), split.y,
                                          one_hot(split.y, dtype=config.dtype).T)
                        for name, split in zip(SPLITS, (data.train, data.validation, data.test))}

    def split(self, name: str) -> SplitArrays:
        return self._splits[name]

    def train_epoch(self, batches: Sequence[np.ndarray],
                    on_batch: Callable[[], None] | None = None) -> None:
        train = self._splits["training"]
        # fit takes every batch before it starts: a callback reports each one as it ends
        callbacks = [network.keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: on_batch())] if on_batch else []
        network.train_epoch(self.model, train.x, train.target, list(batches), callbacks)

    def evaluate(self, split: str) -> tuple[float, float]:
        s = self._splits[split]
        return in_chunks(lambda k: network.evaluate(self.model, self.cost, s.x[k], s.labels[k],
                                                    s.target[k]), len(s.x))

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict_on_batch(x))

    def parameters(self) -> Parameters:
        return network.get_parameters(self.model)

    def set_parameters(self, parameters: Parameters) -> None:
        network.set_parameters(self.model, parameters)

    def compile(self) -> None:
        raise NotImplementedError("not measured for Keras here: its XLA compiler "
                                  "(jit_compile) is not wired in")

    def export(self, path: Path) -> Callable[[np.ndarray], np.ndarray]:
        """A TensorFlow SavedModel, loaded back with TensorFlow alone (no Keras)."""
        tooling.export(self.model, path)
        loaded = tooling.load_exported(path)
        return lambda x: np.asarray(loaded(x))


def _function(name: str) -> Callable:
    """``comparison.keras.<module>.<function>``: variants name Keras functions as strings so
    that only this runner imports TensorFlow."""
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"comparison.keras.{module}"), function)
