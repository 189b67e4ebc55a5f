"""A feed-forward network of sigmoid neurons, trained by mini-batch stochastic gradient descent.

This is the network of Nielsen's ``network.py`` and ``network2.py``, with one change the book
itself suggests as an exercise: backpropagation runs on a whole mini-batch at once.

Shapes. A network of sizes ``[n0, n1, ..., nL]`` has, for each layer l = 1..L, a weight matrix
``W`` of shape (n_l, n_{l-1}) and a bias column ``b`` of shape (n_l, 1). A mini-batch of m
examples is a matrix with one *column* per example: inputs ``x`` (n0, m), desired outputs ``y``
(nL, m). So a layer is one matrix product for the whole batch:

    z = W a + b        (b is broadcast across the m columns)
    a' = sigmoid(z)

``Network.SGD`` is the book's training loop; with MNIST loaded by ``comparison.data`` it runs
chapter 1 as the book's listing does:

    >>> data = load_dataset("mnist")
    >>> net = Network([784, 30, 10], cost=QuadraticCost, init="large")
    >>> net.SGD(data.train.x, data.train.y, epochs=30, mini_batch_size=10, eta=3.0,
    ...         test=(data.test.x, data.test.y))
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from comparison.data.batches import minibatches, one_hot
from comparison.scratch.activations import sigmoid
from comparison.scratch.costs import COSTS, CrossEntropyCost

Parameters = list[tuple[np.ndarray, np.ndarray]]  # [(W, b), ...] per layer


class Network:
    def __init__(
        self,
        sizes: list[int],
        cost: type = CrossEntropyCost,
        init: str = "scaled",
        seed: int = 0,
        dtype: type = np.float64,
    ) -> None:
        """Weights and biases drawn from a seeded generator, in one of the book's two ways.

        ``init="large"`` (chapter 1): every weight and bias ~ N(0, 1).
        ``init="scaled"`` (chapter 3): weights ~ N(0, 1/n_in), so that z = W a + b starts small
        and the neurons do not start out saturated; biases ~ N(0, 1).
        """
        if init not in ("large", "scaled"):
            raise ValueError(f"init must be 'large' or 'scaled', not {init!r}")
        self.sizes = list(sizes)
        self.cost = cost
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            scale = 1 / np.sqrt(n_in) if init == "scaled" else 1.0
            self.weights.append((rng.standard_normal((n_out, n_in)) * scale).astype(self.dtype))
            self.biases.append(rng.standard_normal((n_out, 1)).astype(self.dtype))

    def SGD(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        epochs: int,
        mini_batch_size: int,
        eta: float,
        lmbda: float = 0.0,
        test: tuple[np.ndarray, np.ndarray] | None = None,
        seed: int = 0,
    ) -> None:
        """Mini-batch stochastic gradient descent, as in the book.

        ``x`` holds one training image per *row* (n, n0), ``labels`` the digits (n,). Each
        epoch shuffles the examples, cuts them into mini-batches and takes one gradient step
        per batch; with ``test`` = (images, labels) it prints the test accuracy after each.
        """
        y = one_hot(labels, self.sizes[-1], self.dtype)
        rng = np.random.default_rng(seed)
        for epoch in range(1, epochs + 1):
            for batch in minibatches(len(labels), mini_batch_size, rng):
                self.update_mini_batch(x[batch].T, y[:, batch], eta, lmbda, len(labels))
            if test is not None:
                print(f"Epoch {epoch}: {self.accuracy(test[0].T, test[1]):.2%} on test data")

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        """The network's output (nL, m) for inputs ``a`` (n0, m)."""
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a

    def update_mini_batch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        eta: float,
        lmbda: float = 0.0,
        n: int = 1,
        per_example: bool = False,
    ) -> None:
        """One step of gradient descent on the mini-batch (x, y) of m examples.

        With L2 regularisation of strength ``lmbda`` over a training set of ``n`` examples:

            W <- (1 - eta * lmbda / n) W - (eta / m) sum_x dC_x/dW
            b <-                       b - (eta / m) sum_x dC_x/db

        Biases are not regularised (chapter 3 explains why it hardly matters).
        ``per_example=True`` computes the gradient the book's way, one example at a time.
        """
        m = x.shape[1]
        backprop = self.backprop_per_example if per_example else self.backprop
        nabla_b, nabla_w = backprop(x, y)
        decay = 1 - eta * lmbda / n
        self.weights = [decay * w - (eta / m) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / m) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """The gradient of the cost, summed over the m columns of the batch.

        The four equations of backpropagation (chapter 2), for all examples at once:

            BP1  delta_L = dC/dz_L                      (the cost's ``delta``)
            BP2  delta_l = (W_{l+1}^T delta_{l+1}) * sigmoid'(z_l)
            BP3  dC/db_l = delta_l summed over the columns
            BP4  dC/dW_l = delta_l a_{l-1}^T            (the product sums over the columns)

        Returns ``(nabla_b, nabla_w)``, lists shaped like ``self.biases`` and ``self.weights``.
        """
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
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        return nabla_b, nabla_w

    def backprop_per_example(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """The book's own way: backpropagate one example (one column) at a time and add up.

        Same result as ``backprop``; kept so that the price of the loop can be measured.
        """
        nabla_b = [np.zeros_like(b) for b in self.biases]
        nabla_w = [np.zeros_like(w) for w in self.weights]
        for j in range(x.shape[1]):
            delta_b, delta_w = self.backprop(x[:, j : j + 1], y[:, j : j + 1])
            nabla_b = [nb + db for nb, db in zip(nabla_b, delta_b)]
            nabla_w = [nw + dw for nw, dw in zip(nabla_w, delta_w)]
        return nabla_b, nabla_w

    def accuracy(self, x: np.ndarray, labels: np.ndarray) -> float:
        """Fraction of columns of ``x`` whose most active output neuron is the right label."""
        return float(np.mean(np.argmax(self.feedforward(x), axis=0) == labels))

    def total_cost(self, x: np.ndarray, y: np.ndarray, lmbda: float = 0.0, n: int = 1) -> float:
        """Mean cost per example plus the L2 term (lmbda / 2n) sum ||W||^2."""
        data_cost = self.cost.fn(self.feedforward(x), y) / x.shape[1]
        return data_cost + 0.5 * (lmbda / n) * sum(float(np.sum(w * w)) for w in self.weights)

    def parameters(self) -> Parameters:
        """A copy of every layer's ``(W, b)``, W of shape (n_out, n_in), b of shape (n_out, 1)."""
        return [(w.copy(), b.copy()) for w, b in zip(self.weights, self.biases)]

    def set_parameters(self, parameters: Parameters) -> None:
        self.weights = [np.array(w, dtype=self.dtype) for w, _ in parameters]
        self.biases = [np.array(b, dtype=self.dtype).reshape(-1, 1) for _, b in parameters]

    def save(self, path: str | Path) -> None:
        """Save sizes, cost and parameters as JSON, like the book's ``save``."""
        state = {
            "sizes": self.sizes,
            "cost": self.cost.name,
            "dtype": self.dtype.name,
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
        }
        Path(path).write_text(json.dumps(state))

    @classmethod
    def load(cls, path: str | Path) -> Network:
        state = json.loads(Path(path).read_text())
        net = cls(state["sizes"], cost=COSTS[state["cost"]], dtype=state.get("dtype", "float64"))
        net.set_parameters(list(zip(state["weights"], state["biases"])))
        return net
