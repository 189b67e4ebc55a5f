"""The same network written the way a PyTorch user writes it.

An ``nn.Module`` of ``nn.Linear`` layers, a loss function, ``torch.optim.SGD`` and a plain loop;
autograd does the backpropagation. The module returns *logits* (the output layer's z): the
cross-entropy cost is then computed from logits by ``binary_cross_entropy_with_logits``, which
is the numerically safe form PyTorch recommends, and the prediction is the same argmax.

Mini-batches are taken by indexing in-memory tensors rather than through a ``DataLoader``:
for data already in memory the loader only adds per-batch Python overhead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    """Fully connected layers with sigmoid neurons, e.g. ``Net([784, 30, 10])``."""

    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes, sizes[1:]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            x = torch.sigmoid(layer(x))
        return self.layers[-1](x)  # logits; sigmoid(logits) is the network's output


def init_weights(model: Net, init: str = "scaled") -> None:
    """The book's initialisers: biases N(0, 1); weights N(0, 1) ("large") or N(0, 1/n_in)."""
    for layer in model.layers:
        n_in = layer.weight[0].numel()  # the inputs of one neuron (or of one filter)
        std = n_in**-0.5 if init == "scaled" else 1.0
        nn.init.normal_(layer.weight, std=std)
        nn.init.normal_(layer.bias, std=1.0)


def quadratic_cost(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of 1/2 ||sigmoid(z) - y||^2."""
    return 0.5 * (torch.sigmoid(logits) - target).pow(2).sum(dim=1).mean()


def cross_entropy_cost(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of the cross-entropy summed over the output neurons."""
    return F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / len(logits)


COSTS = {"quadratic": quadratic_cost, "cross-entropy": cross_entropy_cost}


def make_optimizer(model: Net, eta: float, lmbda: float, n: int) -> torch.optim.SGD:
    """Plain SGD; L2 on the weights only, as ``weight_decay = lmbda / n``.

    SGD's weight decay adds ``wd * W`` to the gradient, so one step is
    ``W <- (1 - eta * wd) W - eta * grad``: the book's update when wd = lmbda / n.
    """
    weights = [layer.weight for layer in model.layers]
    biases = [layer.bias for layer in model.layers]
    groups = [{"params": weights, "weight_decay": lmbda / n}, {"params": biases}]
    return torch.optim.SGD(groups, lr=eta)


def train_epoch(
    model: Net,
    optimizer: torch.optim.Optimizer,
    cost,
    x: torch.Tensor,
    target: torch.Tensor,
    batches: Iterable[torch.Tensor],
) -> None:
    """One pass over the mini-batches, each a tensor of row indices into ``x``."""
    model.train()
    for index in batches:
        optimizer.zero_grad()
        loss = cost(model(x[index]), target[index])
        loss.backward()
        optimizer.step()


@torch.no_grad()
def evaluate(model: Net, cost, x: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """(mean cost, accuracy) on a whole split."""
    model.eval()
    logits = model(x)
    target = F.one_hot(labels, logits.shape[1]).to(logits.dtype)
    accuracy = (logits.argmax(dim=1) == labels).double().mean()
    return cost(logits, target).item(), accuracy.item()


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA when present; asking for an absent GPU is an error, not a fallback."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but PyTorch sees no CUDA GPU here; "
                         "use --device cpu or --device auto")
    return torch.device(name)


def get_parameters(model: Net) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every layer's (W, b) as NumPy in the book's shapes: W (n_out, n_in), b (n_out, 1)."""
    return [(layer.weight.detach().cpu().numpy().copy(),
             layer.bias.detach().cpu().numpy().reshape(-1, 1).copy()) for layer in model.layers]


@torch.no_grad()
def set_parameters(model: Net, parameters: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for layer, (w, b) in zip(model.layers, parameters):
        layer.weight.copy_(torch.as_tensor(np.asarray(w)))
        layer.bias.copy_(torch.as_tensor(np.asarray(b).reshape(-1)))


def save(model: Net, path: str | Path) -> None:
    torch.save(model.state_dict(), path)


def load(sizes: list[int], path: str | Path) -> Net:
    model = Net(sizes)
    model.load_state_dict(torch.load(path, weights_only=True))
    return model
