"""The same network, written the way a careful NumPy programmer writes for speed.

``Network.update_mini_batch`` reads like the book's maths, and pays for it: every step
allocates fresh arrays for each gradient and three weight-sized temporaries for the update
``decay * w - (eta / m) * nw``, and the sigmoid makes four (width x m) temporaries. Here the
maths is the same (a test holds it to the book's update) but no weight-sized array is made
after the first step:

- the error ``delta`` is scaled by ``eta / m`` *before* the product that makes the weight
  gradient, so the product's result is already the update (a small matrix scaled, not a big
  one);
- that product writes into a buffer kept from the last step (``out=``), and the weights are
  changed in place (``w -= update``);
- the sigmoid runs in place on the layer's own ``z``.

Each layer's error for the layer below, ``W^T delta``, is computed *before* ``W`` changes:
the book takes every gradient at the old weights.

The floating-point mode the frameworks run in (flush-to-zero for tiny "subnormal" floats) is
not a matter of code NumPy can set; ``experiments/harness/machine.py`` sets it around the steps
timed.
"""

from __future__ import annotations

import numpy as np

from comparison.scratch.network import Network


def sigmoid_(z: np.ndarray) -> np.ndarray:
    """sigma(z) = 1 / (1 + e^-z), overwriting ``z`` (clipped as ``activations.sigmoid``)."""
    np.clip(z, -88, 88, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


class TunedNetwork(Network):
    """``Network`` with an in-place training step; everything else is inherited."""

    def update_mini_batch(self, x: np.ndarray, y: np.ndarray, eta: float, lmbda: float = 0.0,
                          n: int = 1, per_example: bool = False) -> None:
        """One step of gradient descent, the book's update, done in place (see the module)."""
        if per_example:
            raise ValueError("the tuned network has no per-example path: that is the book's")
        if not hasattr(self, "_updates"):  # one weight-sized buffer per layer, made once
            self._updates = [np.empty_like(w) for w in self.weights]
        activations = [x]
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            z = w @ activations[-1]
            z += b
            activations.append(sigmoid_(z))
        z = self.weights[-1] @ activations[-1] + self.biases[-1]  # the cost's delta needs z
        delta = self.cost.delta(z, sigmoid_(z.copy()), y)

        decay = 1 - eta * lmbda / n
        for layer in range(len(self.weights) - 1, -1, -1):
            w, a = self.weights[layer], activations[layer]
            below = w.T @ delta if layer else None  # at the old weights, as the book does
            delta *= eta / x.shape[1]
            np.matmul(delta, a.T, out=self._updates[layer])
            if decay != 1:
                w *= decay
            w -= self._updates[layer]
            self.biases[layer] -= delta.sum(axis=1, keepdims=True)
            if layer:
                below *= a * (1 - a)  # sigmoid'(z) of the layer below, from its activation
                delta = below
