"""The book's cost functions, each with the error it feeds into backpropagation.

Every array here is (n_out, m): one column per example of a mini-batch. ``fn`` sums over the
columns; the caller divides by the number of examples.
"""

from __future__ import annotations

import numpy as np

from comparison.scratch.activations import sigmoid_prime


class QuadraticCost:
    """C = 1/2 ||a - y||^2 per example (chapter 1)."""

    name = "quadratic"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> float:
        return 0.5 * float(np.sum((a - y) ** 2))

    @staticmethod
    def delta(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dC/dz at the output layer: (a - y) * sigmoid'(z).

        The sigmoid'(z) factor is tiny when a neuron saturates, which is why learning slows
        down with this cost (chapter 3).
        """
        return (a - y) * sigmoid_prime(z)


class CrossEntropyCost:
    """C = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)] per example (chapter 3)."""

    name = "cross-entropy"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> float:
        # nan_to_num turns 0 * log(0) = nan into 0, as in the book.
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.sum(np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a))))

    @staticmethod
    def delta(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dC/dz = a - y: the sigmoid'(z) factor cancels, so saturated neurons still learn."""
        return a - y


class LogLikelihoodCost:
    """C = -ln a_y per example, for a softmax output layer (chapter 3); y is one-hot."""

    name = "log-likelihood"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> float:
        with np.errstate(divide="ignore"):
            return float(-np.sum(np.log(a[y == 1])))

    @staticmethod
    def delta(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dC/dz = a - y for softmax outputs: the same simple error as cross-entropy's."""
        return a - y


COSTS = {cost.name: cost for cost in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)}
