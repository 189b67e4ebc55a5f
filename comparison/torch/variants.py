"""The same four changes and the convolutional front layer, the way a PyTorch user makes them.

Each is a subclass of ``Net`` overriding what changes, or a replacement for one function of
``torch_net.py``; autograd derives every gradient, so no backward pass is written here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from comparison.torch.network import Net


class ReLUNet(Net):
    """Rectified linear hidden neurons; the output layer is unchanged."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)


def log_likelihood_cost(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -ln softmax(z)_y; ``cross_entropy`` applies the softmax itself,
    so the network still returns logits and needs no change."""
    return F.cross_entropy(logits, target)


def make_momentum_optimizer(model: Net, eta: float, lmbda: float, n: int,
                            momentum: float = 0.9) -> torch.optim.SGD:
    """``make_optimizer`` with momentum: SGD keeps the velocities itself."""
    weights = [layer.weight for layer in model.layers]
    biases = [layer.bias for layer in model.layers]
    groups = [{"params": weights, "weight_decay": lmbda / n}, {"params": biases}]
    return torch.optim.SGD(groups, lr=eta, momentum=momentum)


class DropoutNet(Net):
    """Dropout on the hidden layers; ``model.train()`` and ``model.eval()`` switch it on and off."""

    def __init__(self, sizes: list[int], p: float = 0.5) -> None:
        super().__init__(sizes)
        self.dropout = nn.Dropout(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            x = self.dropout(torch.sigmoid(layer(x)))
        return self.layers[-1](x)


class ConvNet(Net):
    """Twenty 5x5 convolutions, 2x2 max-pooling and a sigmoid before the dense ``sizes[1:]``."""

    def __init__(self, sizes: list[int]) -> None:
        super().__init__([20 * 12 * 12, *sizes[1:]])
        self.layers.insert(0, nn.Conv2d(1, 20, kernel_size=5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = F.max_pool2d(self.layers[0](x.view(-1, 1, 28, 28)), 2)
        x = torch.sigmoid(maps).flatten(1)
        for layer in self.layers[1:-1]:
            x = torch.sigmoid(layer(x))
        return self.layers[-1](x)
