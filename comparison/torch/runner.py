"""The PyTorch network behind the ``Runner`` protocol (``training/protocol.py``).

Every split becomes a tensor on the device once, up front, and so does each epoch's batch
order: the mini-batches are slices of it on the device. Copying each batch's indices from host
memory instead would make the host wait for the GPU at every step (a pageable copy
synchronises), so launching a step's kernels could never overlap running the last one's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from comparison.data import Dataset
from comparison.implementations import Version
from comparison.torch import network, tooling
from comparison.training.config import TrainConfig
from comparison.training.protocol import (
    SPLITS,
    Parameters,
    SplitArrays,
    in_chunks,
    reporting,
)


class TorchRunner:
    def __init__(self, config: TrainConfig, data: Dataset, n_train: int,
                 version: Version) -> None:
        device = network.resolve_device(config.device)
        self.dtype = getattr(torch, config.dtype)
        torch.manual_seed(config.seed)
        model = version.model or network.Net
        self.model = model(config.sizes()).to(device=device, dtype=self.dtype)
        network.init_weights(self.model, config.init)
        self.cost = version.cost or network.COSTS[config.cost]
        make_optimizer = version.optimizer or network.make_optimizer
        self.optimizer = make_optimizer(self.model, config.eta, config.lmbda, n_train)
        self._splits = {}
        for name, split in zip(SPLITS, (data.train, data.validation, data.test)):
            labels = torch.as_tensor(split.y, device=device)
            self._splits[name] = SplitArrays(
                torch.as_tensor(split.x, dtype=self.dtype, device=device), labels,
                torch.nn.functional.one_hot(labels, 10).to(self.dtype))
        self.device = str(device)

    def split(self, name: str) -> SplitArrays:
        return self._splits[name]

    def train_epoch(self, batches: Sequence[np.ndarray],
                    on_batch: Callable[[], None] | None = None) -> None:
        train = self._splits["training"]
        order = torch.from_numpy(np.concatenate(batches)).to(train.x.device)  # one copy
        on_device = order.split([len(index) for index in batches])
        network.train_epoch(self.model, self.optimizer, self.cost, train.x, train.target,
                            reporting(on_device, on_batch))

    def evaluate(self, split: str) -> tuple[float, float]:
        s = self._splits[split]
        return in_chunks(lambda k: network.evaluate(self.model, self.cost, s.x[k], s.labels[k]),
                         len(s.x))

    @torch.no_grad()
    def outputs(self, x: np.ndarray) -> np.ndarray:
        self.model.eval()
        return self.model(self._tensor(x)).cpu().numpy()

    def _tensor(self, x: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(x, dtype=self.dtype, device=self._splits["test"].x.device)

    def parameters(self) -> Parameters:
        return network.get_parameters(self.model)

    def set_parameters(self, parameters: Parameters) -> None:
        network.set_parameters(self.model, parameters)

    def compile(self, **options) -> None:
        """``torch.compile`` the model; the optimizer keeps the same parameters."""
        torch._dynamo.reset()  # so that every compile time is a cold compile
        self.model = torch.compile(self.model)

    def export(self, path: Path) -> Callable[[np.ndarray], np.ndarray]:
        """A ``torch.export`` program, loaded back: it runs without this project's code."""
        tooling.export(self.model, self._splits["test"].x[:2], path)
        loaded = tooling.load_exported(path)
        return lambda x: loaded(self._tensor(x)).detach().cpu().numpy()
