"""Mistakes planted in the PyTorch network: each is a ``Net`` subclass or a replacement for one
function of ``comparison/torch/network.py`` (or ``variants.py``), copied with the mistake made
in it. Mistakes in a derivative cannot be planted here: autograd derives every gradient.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from comparison.scratch.activations import sigmoid
from comparison.torch.network import Net


class TransposedNet(Net):
    """The mistake: each ``nn.Linear`` is given its sizes the wrong way round (out, in)."""

    def __init__(self, sizes: list[int]) -> None:
        nn.Module.__init__(self)  # Net's own __init__ would make the right layers
        self.layers = nn.ModuleList(nn.Linear(n_out, n_in) for n_in, n_out in zip(sizes, sizes[1:]))


def cross_entropy_without_minus(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The mistake: the cross-entropy written out by hand without its minus sign, so the
    optimizer climbs the cost."""
    log_a, log_1_minus_a = F.logsigmoid(logits), F.logsigmoid(-logits)
    return (target * log_a + (1 - target) * log_1_minus_a).sum() / len(logits)


def train_epoch_without_zero_grad(model: Net, optimizer: torch.optim.Optimizer, cost,
                                  x: torch.Tensor, target: torch.Tensor, batches) -> None:
    """The mistake: ``optimizer.zero_grad()`` is forgotten, so ``backward`` adds each
    mini-batch's gradient to the sum of all the earlier ones."""
    model.train()
    for index in batches:
        loss = cost(model(x[index]), target[index])
        loss.backward()
        optimizer.step()


def summed_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The mistake: the cost is summed over the mini-batch instead of averaged, so the
    learning rate is in effect m times too large."""
    return F.binary_cross_entropy_with_logits(logits, target, reduction="sum")


def log_likelihood_over_batch(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The mistake: the softmax written out by hand over ``dim=0``, across the mini-batch's
    examples, instead of across the classes (``dim=1``)."""
    return -(target * F.log_softmax(logits, dim=0)).sum(dim=1).mean()


def clamped_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The mistake: the outputs are clamped away from 0 and 1 *in place* (``clamp_``) before
    the logarithms; sigmoid's backward needs its output unchanged."""
    a = torch.sigmoid(logits)
    a.clamp_(1e-12, 1 - 1e-12)
    return -(target * a.log() + (1 - target) * (1 - a).log()).sum() / len(logits)


@torch.no_grad()
def evaluate_in_training_mode(model: Net, cost, x: torch.Tensor,
                              labels: torch.Tensor) -> tuple[float, float]:
    """The mistake: ``model.eval()`` is forgotten, so dropout still drops neurons when the
    network is evaluated."""
    logits = model(x)
    target = F.one_hot(labels, logits.shape[1]).to(logits.dtype)
    accuracy = (logits.argmax(dim=1) == labels).double().mean()
    return cost(logits, target).item(), accuracy.item()


class NumpySigmoidNet(Net):
    """The mistake: the hidden layer's sigmoid is the from-scratch NumPy function, reached
    through ``.detach().numpy()``; autograd cannot follow a NumPy call, so no gradient flows
    back past it and the hidden layer never learns."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            x = torch.from_numpy(sigmoid(layer(x).detach().numpy()))
        return self.layers[-1](x)
