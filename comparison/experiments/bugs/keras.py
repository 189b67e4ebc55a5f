"""Mistakes planted in the Keras network: each is a replacement for one function of
``comparison/keras/network.py`` (or ``variants.py``), copied with the mistake made in it.
Imported only where the Keras extra is installed.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from comparison.keras.network import dense, use_dtype
from comparison.scratch.activations import sigmoid


def cross_entropy_without_minus(target, logits):
    """The mistake: the cross-entropy written out by hand without its minus sign, so the
    optimizer climbs the cost."""
    log_a, log_1_minus_a = ops.log_sigmoid(logits), ops.log_sigmoid(-logits)
    return ops.sum(target * log_a + (1 - target) * log_1_minus_a, axis=-1)


def summed_cross_entropy(target, logits):
    """The mistake: the cost is summed over the whole mini-batch (a scalar), which Keras then
    averages over one value: the learning rate is in effect m times too large."""
    return ops.sum(ops.binary_crossentropy(target, logits, from_logits=True))


def log_likelihood_over_batch(target, logits):
    """The mistake: the softmax written out by hand over ``axis=0``, across the mini-batch's
    examples, instead of across the classes (``axis=-1``)."""
    return -ops.sum(target * ops.log_softmax(logits, axis=0), axis=-1)


def evaluate_in_training_mode(model: keras.Sequential, cost, x: np.ndarray, labels: np.ndarray,
                              target: np.ndarray) -> tuple[float, float]:
    """The mistake: the model is called with ``training=True``, so dropout still drops
    neurons when the network is evaluated."""
    logits = model(x, training=True)
    return (float(ops.mean(cost(target, logits))),
            float(np.mean(np.argmax(logits, axis=1) == labels)))


def build_numpy_sigmoid(sizes: list[int], init: str = "scaled", lmbda: float = 0.0, n: int = 1,
                        seed: int = 0, dtype: str = "float32") -> keras.Sequential:
    """The mistake: the hidden layers' sigmoid is the from-scratch NumPy function, in a
    ``Lambda`` layer; a NumPy call cannot be part of the model's graph."""
    use_dtype(dtype)
    layers = [keras.Input((sizes[0],))]
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(dense(n_out, None, n_in, init, lmbda / (2 * n), seed + 2 * k))
        if k < len(sizes) - 2:
            layers.append(keras.layers.Lambda(lambda z: sigmoid(np.asarray(z))))
    return keras.Sequential(layers)
