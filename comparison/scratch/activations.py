"""The sigmoid neuron's activation and its derivative."""

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
