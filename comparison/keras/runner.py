"""The Keras network behind the ``Runner`` protocol (``training/protocol.py``), on the CPU
(the extra is ``tensorflow-cpu``).

``fit`` reads the training rows in batch order from a ``tf.data.Dataset``. Building it copies
an epoch of images, so it is built once per batch order and kept: a timed repeat re-trains on
the order its warm-up prepared, and the copy is never timed, as the runners' protocol promises.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import tensorflow as tf

from comparison.data import Dataset
from comparison.data.batches import one_hot
from comparison.implementations import Version
from comparison.keras import network, tooling
from comparison.training.config import TrainConfig
from comparison.training.protocol import SPLITS, Parameters, SplitArrays, in_chunks


class KerasRunner:
    device = "cpu"

    def __init__(self, config: TrainConfig, data: Dataset, n_train: int,
                 version: Version) -> None:
        if config.device not in ("auto", "cpu"):
            raise ValueError("the Keras implementation runs on the CPU here: use --device cpu")
        build = _function(version.model or "network.build")
        self.model = build(config.sizes(), config.init, config.lmbda, n_train, config.seed,
                           config.dtype)
        self.cost = _function(version.cost) if version.cost else network.COSTS[config.cost]
        _function(version.optimizer or "network.compile_model")(self.model, self.cost, config.eta)
        self._splits = {name: SplitArrays(split.x.astype(config.dtype), split.y,
                                          one_hot(split.y, dtype=config.dtype).T)
                        for name, split in zip(SPLITS, (data.train, data.validation, data.test))}
        self._ordered: tuple[np.ndarray, tf.data.Dataset] | None = None

    def split(self, name: str) -> SplitArrays:
        return self._splits[name]

    def train_epoch(self, batches: Sequence[np.ndarray],
                    on_batch: Callable[[], None] | None = None) -> None:
        # fit takes every batch before it starts: a callback reports each one as it ends
        callbacks = [network.keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: on_batch())] if on_batch else []
        network.train_epoch(self.model, self._in_batch_order(batches), len(batches[0]),
                            callbacks)

    def _in_batch_order(self, batches: Sequence[np.ndarray]) -> tf.data.Dataset:
        """The training rows in the order ``batches`` takes them, as a dataset (kept for the
        next call with the same order: comparing the indices costs little, the copy a lot)."""
        order = np.concatenate(batches)
        if self._ordered is None or not np.array_equal(self._ordered[0], order):
            train = self._splits["training"]
            rows = tf.data.Dataset.from_tensor_slices((train.x[order], train.target[order]))
            self._ordered = (order, rows)
        return self._ordered[1]

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

    def compile(self, jit_compile: bool = True, steps_per_execution: int = 1) -> None:
        """Keras's built-in speed options: XLA (``jit_compile``), and several training steps
        per call of the compiled step (``steps_per_execution``). Compiling again keeps the
        weights, the loss and the optimizer; the effective settings are the model's
        ``jit_compile`` and ``steps_per_execution`` (Keras turns XLA off where the model
        cannot use it)."""
        self.model.compile(optimizer=self.model.optimizer, loss=self.model.loss,
                           jit_compile=jit_compile, steps_per_execution=steps_per_execution)

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
