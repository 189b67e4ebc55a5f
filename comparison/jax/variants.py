"""Three of the flexibility variants, the way a JAX user makes them: each replaces one function
of ``network.py``, and ``jax.grad`` derives every gradient.

Dropout and the convolutional layer are not written in JAX here (the site says so): dropout
needs a random key threaded through every step, a change to the step's signature rather than
to one function.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from comparison.jax.network import Params


def relu_forward(params: Params, x: jax.Array) -> jax.Array:
    """Rectified linear hidden neurons; the output layer is unchanged."""
    for layer in params[:-1]:
        x = jax.nn.relu(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


def log_likelihood_cost(logits: jax.Array, target: jax.Array) -> jax.Array:
    """Mean over the batch of -ln softmax(z)_y (Optax applies the softmax itself)."""
    return jnp.mean(optax.softmax_cross_entropy(logits, target))


def make_momentum_optimizer(eta: float, momentum: float = 0.9) -> optax.GradientTransformation:
    """``make_optimizer`` with momentum: Optax keeps the velocities in its state."""
    return optax.sgd(eta, momentum=momentum)
