"""The from-scratch network behind the ``Runner`` protocol (``training/protocol.py``).

Data is kept as rows (n, 784), as the other runners keep it; the network wants one example per
column, so each batch is a transposed view (free) rather than a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from comparison.data import Dataset
from comparison.data.batches import one_hot
from comparison.scratch.network import Network
from comparison.training.config import TrainConfig
from comparison.training.protocol import (
    SPLITS,
    Parameters,
    SplitArrays,
    in_chunks,
    reporting,
)


class ScratchRunner:
    device = "cpu"

    def __init__(self, config: TrainConfig, data: Dataset, n_train: int,
                 net: Network) -> None:
        self.config, self.n_train, self.model = config, n_train, net
        dtype = np.dtype(config.dtype)
        self._splits = {name: SplitArrays(split.x.astype(dtype), split.y,
                                          one_hot(split.y, dtype=dtype).T)
                        for name, split in zip(SPLITS, (data.train, data.validation, data.test))}

    def split(self, name: str) -> SplitArrays:
        return self._splits[name]

    def train_epoch(self, batches: Sequence[np.ndarray],
                    on_batch: Callable[[], None] | None = None) -> None:
        train = self._splits["training"]
        c = self.config
        for index in reporting(batches, on_batch):
            self.model.update_mini_batch(train.x[index].T, train.target[index].T, c.eta,
                                         c.lmbda, self.n_train, per_example=c.per_example)

    def evaluate(self, split: str) -> tuple[float, float]:
        s = self._splits[split]
        return in_chunks(lambda k: (self.model.total_cost(s.x[k].T, s.target[k].T),
                                    self.model.accuracy(s.x[k].T, s.labels[k])), len(s.x))

    def outputs(self, x: np.ndarray) -> np.ndarray:
        return self.model.feedforward(x.T).T

    def parameters(self) -> Parameters:
        return self.model.parameters()

    def set_parameters(self, parameters: Parameters) -> None:
        self.model.set_parameters(parameters)

    def compile(self, **options) -> None:
        raise NotImplementedError("the NumPy network has no compiler: NumPy runs each "
                                  "operation as it comes")

    def export(self, path: Path) -> Callable[[np.ndarray], np.ndarray]:
        """The network's own JSON (``Network.save``), loaded back with ``Network.load``."""
        self.model.save(path)
        loaded = type(self.model).load(path)
        return lambda x: loaded.feedforward(x.T).T
