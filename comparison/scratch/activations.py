"""Activation functions and the derivatives backpropagation needs.

The baseline uses only the sigmoid; ``relu`` and ``softmax`` serve the flexibility variants."""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """sigma(z) = 1 / (1 + e^-z), element-wise."""
    # exp() overflows float32 beyond about 88.7; past |z| = 88, sigma is within 1e-38 of 0 or 1,
    # so clipping there changes nothing a float can show.
    return 1.0 / (1.0 + np.exp(-np.clip(z, -88, 88)))


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def relu(z: np.ndarray) -> np.ndarray:
    """The rectified linear unit, max(0, z), element-wise (chapter 6)."""
    return np.maximum(z, 0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """relu'(z) = 1 where z > 0, else 0 (taking 0 at z = 0, as PyTorch does)."""
    return (z > 0).astype(z.dtype)


def softmax(z: np.ndarray) -> np.ndarray:
    """e^z_j / sum_k e^z_k down each column: the outputs are positive and sum to 1.

    Subtracting each column's largest z first changes nothing mathematically and keeps e^z
    from overflowing.
    """
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
