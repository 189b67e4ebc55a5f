"""From a dataset to what training reads: mini-batches in a seeded order, and labels as the
network's desired outputs. Every implementation draws its batches from ``minibatches``, so one
seed means one batch order everywhere."""

from __future__ import annotations

import numpy as np


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """A fresh random order of ``range(n)``, cut into mini-batches (the last may be short).

    Every implementation is trained on batches from here, so one seed means one batch order.
    """
    order = rng.permutation(n)
    return [order[k : k + batch_size] for k in range(0, n, batch_size)]


def one_hot(labels: np.ndarray, n_classes: int = 10, dtype: type = np.float64) -> np.ndarray:
    """Labels (m,) as desired outputs (n_classes, m): a 1 in the label's row, 0 elsewhere."""
    y = np.zeros((n_classes, len(labels)), dtype=dtype)
    y[labels, np.arange(len(labels))] = 1
    return y
