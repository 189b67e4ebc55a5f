"""Four changes to the baseline network, each written the only way from-scratch code allows:
by overriding the methods it touches and deriving any new gradient by hand.

Each method here is the baseline's method with the change made in place, so that comparing
the two (which the ``flexibility`` experiment does, from the source) shows what the change
cost. The convolutional front layer is larger and lives in ``conv.py``.
"""

from __future__ import annotations

import numpy as np

from comparison.scratch.activations import relu, relu_prime, sigmoid, softmax
from comparison.scratch.costs import LogLikelihoodCost
from comparison.scratch.network import Network


class ReLUNetwork(Network):
    """Rectified linear hidden neurons; the output layer keeps its sigmoid neurons."""

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            a = relu(w @ a + b)
        return sigmoid(self.weights[-1] @ a + self.biases[-1])

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """BP2 with relu'(z) in place of sigmoid'(z): the error passes where z > 0."""
        activations, zs = [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(relu(zs[-1]))
        activations[-1] = sigmoid(zs[-1])

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                delta = (self.weights[layer + 1].T @ delta) * relu_prime(zs[layer])
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w


class SoftmaxNetwork(Network):
    """A softmax output layer, trained with the log-likelihood cost (chapter 3)."""

    def __init__(self, sizes: list[int], cost: type = LogLikelihoodCost, **kwargs) -> None:
        super().__init__(sizes, cost=cost, **kwargs)

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            a = sigmoid(w @ a + b)
        return softmax(self.weights[-1] @ a + self.biases[-1])

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """Only the output changes: softmax's outputs, whose error under log-likelihood is
        a - y (``LogLikelihoodCost.delta``); the hidden layers backpropagate as before."""
        activations, zs = [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
        activations[-1] = softmax(zs[-1])

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                a = activations[layer + 1]  # sigmoid'(z) = a (1 - a): no need to recompute
                delta = (self.weights[layer + 1].T @ delta) * (a * (1 - a))
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w


class MomentumNetwork(Network):
    """Momentum-based gradient descent (chapter 3): each parameter keeps a velocity.

        v <- momentum v - eta (dC/dW)        W <- W + v

    where dC/dW includes the L2 term, so a velocity builds up along directions in which the
    gradient keeps pointing, and oscillations across them cancel.
    """

    def __init__(self, sizes: list[int], momentum: float = 0.9, **kwargs) -> None:
        super().__init__(sizes, **kwargs)
        self.momentum = momentum
        self.weight_velocities = [np.zeros_like(w) for w in self.weights]
        self.bias_velocities = [np.zeros_like(b) for b in self.biases]

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
        mu = self.momentum
        self.weight_velocities = [mu * v - eta * (nw / m + (lmbda / n) * w) for v, w, nw
                                  in zip(self.weight_velocities, self.weights, nabla_w)]
        self.bias_velocities = [mu * v - eta * nb / m
                                for v, nb in zip(self.bias_velocities, nabla_b)]
        self.weights = [w + v for w, v in zip(self.weights, self.weight_velocities)]
        self.biases = [b + v for b, v in zip(self.biases, self.bias_velocities)]


class DropoutNetwork(Network):
    """Dropout on the hidden layers (chapter 3), in its "inverted" form.

    In training, each hidden neuron is kept with probability 1 - p and its output divided by
    1 - p, so the next layer's expected input is unchanged and ``feedforward`` (used for
    evaluation) needs no change at all. The masks are drawn from the network's own seeded
    generator.
    """

    def __init__(self, sizes: list[int], p: float = 0.5, seed: int = 0, **kwargs) -> None:
        super().__init__(sizes, seed=seed, **kwargs)
        self.p = p
        self.rng = np.random.default_rng(seed)

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """A dropped neuron passes nothing forward, so no error flows back through it."""
        activations, zs, masks = [x], [], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
            if len(zs) < len(self.weights):  # a hidden layer
                masks.append((self.rng.random(zs[-1].shape) >= self.p).astype(self.dtype)
                             / (1 - self.p))
                activations[-1] = activations[-1] * masks[-1]

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, -1, -1):
            if layer < len(self.weights) - 1:
                a = sigmoid(zs[layer])  # the activation before the mask
                delta = (self.weights[layer + 1].T @ delta) * (a * (1 - a)) * masks[layer]
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w
