"""The same network written the way a JAX user writes it.

Plain functions over a *pytree* of parameters (a list of ``{"w", "b"}`` dicts), a loss,
``jax.grad`` for the gradient, an Optax optimizer and one ``jax.jit``-compiled step. Optax is
the optimizer library JAX's documentation reaches for, and it makes a change of optimizer
(momentum, say) one line. Flax is left out on purpose: its module system earns its keep on
large models, and a stack of dense layers is two lines of ``forward`` without it.

As with PyTorch and Keras, examples are rows, a weight is (n_in, n_out) and the network returns
*logits*; the cross-entropy is written on them (``softplus(z) - y z`` is the cross-entropy of
sigmoid(z), without the log of 0 that saturated neurons would meet).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

jax.config.update("jax_enable_x64", True)  # for float64 runs: see the package docstring

Params = list[dict[str, jax.Array]]


def init(sizes: list[int], init: str, seed: int, dtype: str) -> Params:
    """The book's initialisers from a JAX key: biases N(0, 1); weights N(0, 1) or N(0, 1/n_in)."""
    keys = jax.random.split(jax.random.key(seed), 2 * (len(sizes) - 1))
    params = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        std = n_in**-0.5 if init == "scaled" else 1.0
        params.append({"w": std * jax.random.normal(keys[2 * k], (n_in, n_out), dtype),
                       "b": jax.random.normal(keys[2 * k + 1], (n_out,), dtype)})
    return params


def forward(params: Params, x: jax.Array) -> jax.Array:
    """Sigmoid hidden layers; the output layer's z (logits)."""
    for layer in params[:-1]:
        x = jax.nn.sigmoid(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


def quadratic_cost(logits: jax.Array, target: jax.Array) -> jax.Array:
    """Mean over the batch of 1/2 ||sigmoid(z) - y||^2."""
    return 0.5 * jnp.mean(jnp.sum((jax.nn.sigmoid(logits) - target) ** 2, axis=1))


def cross_entropy_cost(logits: jax.Array, target: jax.Array) -> jax.Array:
    """Mean over the batch of the cross-entropy summed over the output neurons."""
    return jnp.mean(jnp.sum(jax.nn.softplus(logits) - target * logits, axis=1))


COSTS = {"quadratic": quadratic_cost, "cross-entropy": cross_entropy_cost}


def make_optimizer(eta: float) -> optax.GradientTransformation:
    """Plain SGD: each step moves the parameters by -eta times the gradient."""
    return optax.sgd(eta)


def make_step(forward: Callable, cost: Callable, optimizer: optax.GradientTransformation,
              lmbda: float, n: int) -> Callable:
    """The compiled training step ``(params, state, x, target, index) -> (params, state)``.

    L2 on the weights only, written into the loss as (lmbda / 2n) sum ||W||^2, so that plain
    SGD makes the book's update ``W <- (1 - eta lmbda / n) W - eta grad``. The step takes the
    whole training split and the batch's row indices, and gathers the batch itself: one call
    per step, nothing copied from the host but the indices.
    """
    def loss(params, x, target):
        penalty = sum(jnp.sum(layer["w"] ** 2) for layer in params)
        return cost(forward(params, x), target) + lmbda / (2 * n) * penalty

    @jax.jit
    def step(params, state, x, target, index):
        grads = jax.grad(loss)(params, x[index], target[index])
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state
    return step


def evaluate(forward: Callable, cost: Callable, params: Params, x: jax.Array,
             labels: jax.Array, target: jax.Array) -> tuple[float, float]:
    """(mean cost, accuracy) on a whole split."""
    logits = forward(params, x)
    return float(cost(logits, target)), float(jnp.mean(jnp.argmax(logits, axis=1) == labels,
                                                     dtype=jnp.float64))


def get_parameters(params: Params) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every layer's (W, b) as NumPy in the book's shapes: W (n_out, n_in), b (n_out, 1)."""
    return [(np.array(layer["w"]).T, np.array(layer["b"]).reshape(-1, 1)) for layer in params]


def set_parameters(parameters: list[tuple[np.ndarray, np.ndarray]], dtype: str) -> Params:
    return [{"w": jnp.asarray(np.asarray(w).T, dtype), "b": jnp.asarray(np.ravel(b), dtype)}
            for w, b in parameters]
