"""Mistakes planted in the from-scratch network: each is a ``Network`` subclass (or a function)
whose one edited method is a copy of the correct one with the mistake made in it.

The ``debugging`` experiment trains each in place of the correct network and records what
happens; the site shows each edit as a diff against the method it copies.
"""

from __future__ import annotations

import numpy as np

from comparison.scratch.activations import sigmoid
from comparison.scratch.costs import CrossEntropyCost
from comparison.scratch.network import Network
from comparison.scratch.variants import DropoutNetwork, SoftmaxNetwork


class TransposedNetwork(Network):
    """The mistake: each weight matrix is drawn (n_in, n_out), the transpose of the book's W."""

    def __init__(
        self,
        sizes: list[int],
        cost: type = CrossEntropyCost,
        init: str = "scaled",
        seed: int = 0,
        dtype: type = np.float64,
    ) -> None:
        if init not in ("large", "scaled"):
            raise ValueError(f"init must be 'large' or 'scaled', not {init!r}")
        self.sizes = list(sizes)
        self.cost = cost
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            scale = 1 / np.sqrt(n_in) if init == "scaled" else 1.0
            self.weights.append((rng.standard_normal((n_in, n_out)) * scale).astype(self.dtype))
            self.biases.append(rng.standard_normal((n_out, 1)).astype(self.dtype))


class AscentNetwork(Network):
    """The mistake: the update adds the gradient, so every step climbs the cost."""

    def update_mini_batch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        eta: float,
        lmbda: float = 0.0,
        n: int = 1,
        per_example: bool = False,
    ) -> None:
        m = x.shape[1]
        backprop = self.backprop_per_example if per_example else self.backprop
        nabla_b, nabla_w = backprop(x, y)
        decay = 1 - eta * lmbda / n
        self.weights = [decay * w + (eta / m) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b + (eta / m) * nb for b, nb in zip(self.biases, nabla_b)]


class NoSigmoidPrimeNetwork(Network):
    """The mistake: BP2 leaves out the hidden layer's sigmoid'(z) factor."""

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        activations, zs = [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                delta = self.weights[layer + 1].T @ delta
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w


class AccumulatingNetwork(Network):
    """The mistake: the gradient sums live on the network and are never reset, so each step
    uses the sum of every mini-batch's gradient so far."""

    def __init__(self, sizes: list[int], **kwargs) -> None:
        super().__init__(sizes, **kwargs)
        self.nabla_b = [np.zeros_like(b) for b in self.biases]
        self.nabla_w = [np.zeros_like(w) for w in self.weights]

    def update_mini_batch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        eta: float,
        lmbda: float = 0.0,
        n: int = 1,
        per_example: bool = False,
    ) -> None:
        m = x.shape[1]
        backprop = self.backprop_per_example if per_example else self.backprop
        delta_b, delta_w = backprop(x, y)
        self.nabla_b = [nb + db for nb, db in zip(self.nabla_b, delta_b)]
        self.nabla_w = [nw + dw for nw, dw in zip(self.nabla_w, delta_w)]
        decay = 1 - eta * lmbda / n
        self.weights = [decay * w - (eta / m) * nw for w, nw in zip(self.weights, self.nabla_w)]
        self.biases = [b - (eta / m) * nb for b, nb in zip(self.biases, self.nabla_b)]


class SummedNetwork(Network):
    """The mistake: the step uses the gradient summed over the mini-batch, not its mean, so
    the learning rate is in effect m times too large."""

    def update_mini_batch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        eta: float,
        lmbda: float = 0.0,
        n: int = 1,
        per_example: bool = False,
    ) -> None:
        backprop = self.backprop_per_example if per_example else self.backprop
        nabla_b, nabla_w = backprop(x, y)
        decay = 1 - eta * lmbda / n
        self.weights = [decay * w - eta * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - eta * nb for b, nb in zip(self.biases, nabla_b)]


def digits_as_targets(labels: np.ndarray, n_classes: int = 10,
                      dtype: type = np.float64) -> np.ndarray:
    """The mistake: the digits themselves, shape (m,), are the desired outputs, not one-hot
    columns (n_classes, m)."""
    return labels.astype(dtype)


def softmax_over_batch(z: np.ndarray) -> np.ndarray:
    """The mistake: the softmax normalises along axis 1, across the mini-batch's examples,
    instead of down each column (axis 0, across the classes)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class BatchSoftmaxNetwork(SoftmaxNetwork):
    """The softmax network built on ``softmax_over_batch``."""

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            a = sigmoid(w @ a + b)
        return softmax_over_batch(self.weights[-1] @ a + self.biases[-1])

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        activations, zs = [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
        activations[-1] = softmax_over_batch(zs[-1])

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                a = activations[layer + 1]  # sigmoid'(z) = a (1 - a): no need to recompute
                delta = (self.weights[layer + 1].T @ delta) * (a * (1 - a))
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w


class DropoutAtTestNetwork(DropoutNetwork):
    """The mistake: the forward pass used for evaluation drops neurons as training does. From
    scratch there is no mode to switch; this is ``feedforward`` copied from training."""

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            a = sigmoid(w @ a + b)
            if k < len(self.weights) - 1:
                a = a * (self.rng.random(a.shape) >= self.p) / (1 - self.p)
        return a


class BiasAxisNetwork(Network):
    """The mistake: BP3 sums the error over axis 0 (the neurons) instead of axis 1 (the
    examples), so each bias gradient has the mini-batch's shape, not the bias's."""

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        activations, zs = [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                a = activations[layer + 1]  # sigmoid'(z) = a (1 - a): no need to recompute
                delta = (self.weights[layer + 1].T @ delta) * (a * (1 - a))
            nabla_b[layer] = delta.sum(axis=0, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w
