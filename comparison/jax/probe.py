"""This implementation's part of the fresh-process probe (``experiments/speed/memory_probe.py``)."""


def load():
    import jax
    import jax.numpy as jnp
    import numpy as np

    from comparison.jax import network
    return jax, jnp, np, network


def train(loaded, examples: int, batch: int) -> None:
    jax, jnp, np, network = loaded
    rng = np.random.default_rng(0)
    x, target = jnp.asarray(rng.random((examples, 784))), jnp.eye(10)[rng.integers(0, 10, examples)]
    params = network.init([784, 30, 10], "large", 0, "float64")
    optimizer = network.make_optimizer(3.0)
    step = network.make_step(network.forward, network.quadratic_cost, optimizer, 0.0, examples)
    state = optimizer.init(params)
    for k in range(0, examples, batch):
        params, state = step(params, state, x, target, np.arange(k, k + batch))
    jax.block_until_ready(params)
