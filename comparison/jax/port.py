"""The from-scratch network with JAX doing the calculus: what survives of the NumPy code.

``feedforward``, ``sigmoid`` and the costs are the scratch module's (``scratch/network.py``,
``activations.py``, ``costs.py``) with ``np`` read as ``jnp``; the weights stay W (n_out, n_in)
and the examples stay columns. What goes is all of chapter 2: ``backprop`` and the costs'
``delta`` become one ``jax.grad`` of the cost, and ``jax.jit`` compiles the whole step.

The one trap: the book's cross-entropy is written on the activations, ``-y ln a - (1-y)
ln(1-a)``, and autodiff differentiates what is written. Where an output neuron saturates
(a == 1 in floating point) that is 0 * inf, and the gradient is nan; the hand-derived
``delta = a - y`` never forms it. ``network.py`` writes the cost on the logits instead.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)  # for float64 runs: see the package docstring


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), element-wise."""
    return 1.0 / (1.0 + jnp.exp(-jnp.clip(z, -88, 88)))


def feedforward(weights, biases, a):
    """The network's output (nL, m) for inputs ``a`` (n0, m)."""
    for w, b in zip(weights, biases):
        a = sigmoid(w @ a + b)
    return a


def quadratic(a, y):
    return 0.5 * jnp.sum((a - y) ** 2)


def cross_entropy(a, y):
    return jnp.sum(jnp.nan_to_num(-y * jnp.log(a) - (1 - y) * jnp.log(1 - a)))


COSTS = {"quadratic": quadratic, "cross-entropy": cross_entropy}


@partial(jax.jit, static_argnames=("cost",))
def update_mini_batch(weights, biases, x, y, eta, lmbda, n, cost):
    """One step of gradient descent on the mini-batch (x, y), as ``Network.update_mini_batch``
    takes it; ``jax.grad`` gives the gradient summed over the m columns."""
    m = x.shape[1]
    nabla_w, nabla_b = jax.grad(
        lambda w, b: COSTS[cost](feedforward(w, b, x), y), argnums=(0, 1))(weights, biases)
    decay = 1 - eta * lmbda / n
    weights = [decay * w - (eta / m) * nw for w, nw in zip(weights, nabla_w)]
    biases = [b - (eta / m) * nb for b, nb in zip(biases, nabla_b)]
    return weights, biases
