"""Import time and peak memory of one implementation, measured in a fresh process of its own.

    PYTHONPATH=. python -P comparison/experiments/speed/memory_probe.py scratch|torch|keras|jax

(a file, not ``-m comparison.experiments.speed.memory_probe``: the package's ``__init__`` imports
every experiment, and so every library, before the probe could start its clock).

Imports only that implementation, timing the imports, trains 784-30-10 on 1,000 random
examples at mini-batch 10 (peak memory is reached within the first steps), and prints the
seconds the imports took and the peak resident memory (MB) after the imports and after
training. A fresh process, because an import is slow only once and peak memory only grows:
in the experiment's own process every library is loaded.
"""

from __future__ import annotations

import sys
import time

EXAMPLES, BATCH = 1_000, 10


def high_water_mb() -> float:
    """Peak resident memory so far (VmHWM). Not ru_maxrss: Linux carries that over from the
    parent through fork and exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this probe needs Linux")


def scratch() -> tuple[float, float]:
    start = time.perf_counter()
    import numpy as np

    from comparison.data.batches import one_hot
    from comparison.scratch.network import Network

    seconds, memory = time.perf_counter() - start, high_water_mb()
    rng = np.random.default_rng(0)
    x, y = rng.random((784, EXAMPLES)), one_hot(rng.integers(0, 10, EXAMPLES))
    net = Network([784, 30, 10])
    for k in range(0, EXAMPLES, BATCH):
        net.update_mini_batch(x[:, k : k + BATCH], y[:, k : k + BATCH], 3.0)
    return seconds, memory


def torch() -> tuple[float, float]:
    start = time.perf_counter()
    import torch

    from comparison.torch import network

    seconds, memory = time.perf_counter() - start, high_water_mb()
    x = torch.rand(EXAMPLES, 784, dtype=torch.float64)
    target = torch.nn.functional.one_hot(torch.randint(0, 10, (EXAMPLES,)), 10).double()
    model = network.Net([784, 30, 10]).double()
    optimizer = network.make_optimizer(model, 3.0, 0.0, EXAMPLES)
    network.train_epoch(model, optimizer, network.quadratic_cost, x, target,
                        torch.arange(EXAMPLES).split(BATCH))
    return seconds, memory


def keras() -> tuple[float, float]:
    start = time.perf_counter()
    import numpy as np
    import tensorflow as tf

    from comparison.keras import network

    seconds, memory = time.perf_counter() - start, high_water_mb()
    rng = np.random.default_rng(0)
    x, target = rng.random((EXAMPLES, 784)), np.eye(10)[rng.integers(0, 10, EXAMPLES)]
    model = network.build([784, 30, 10], init="large", dtype="float64")
    network.compile_model(model, network.quadratic_cost, 3.0)
    network.train_epoch(model, tf.data.Dataset.from_tensor_slices((x, target)), BATCH)
    return seconds, memory


def jax() -> tuple[float, float]:
    start = time.perf_counter()
    import jax
    import jax.numpy as jnp
    import numpy as np

    from comparison.jax import network

    seconds, memory = time.perf_counter() - start, high_water_mb()
    rng = np.random.default_rng(0)
    x, target = jnp.asarray(rng.random((EXAMPLES, 784))), jnp.eye(10)[rng.integers(0, 10, EXAMPLES)]
    params = network.init([784, 30, 10], "large", 0, "float64")
    optimizer = network.make_optimizer(3.0)
    step = network.make_step(network.forward, network.quadratic_cost, optimizer, 0.0, EXAMPLES)
    state = optimizer.init(params)
    for k in range(0, EXAMPLES, BATCH):
        params, state = step(params, state, x, target, np.arange(k, k + BATCH))
    jax.block_until_ready(params)
    return seconds, memory


if __name__ == "__main__":
    import_seconds, after_import = {"scratch": scratch, "torch": torch, "keras": keras,
                                    "jax": jax}[sys.argv[1]]()
    print(import_seconds, after_import, high_water_mb())
