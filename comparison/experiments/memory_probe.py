"""Peak memory of one implementation, measured in a fresh process of its own.

    python -m comparison.experiments.memory_probe scratch|torch|keras

Imports only that implementation, trains 784-30-10 on 10,000 random examples at mini-batch 10,
and prints peak resident memory (MB) after the imports and after training. A fresh process,
because peak memory only ever grows: in the experiment's own process every library is loaded.
"""

from __future__ import annotations

import sys

EXAMPLES, BATCH = 10_000, 10


def high_water_mb() -> float:
    """Peak resident memory so far (VmHWM). Not ru_maxrss: Linux carries that over from the
    parent through fork and exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this probe needs Linux")


def scratch() -> float:
    import numpy as np

    from comparison.scratch.network import Network, one_hot

    start = high_water_mb()
    rng = np.random.default_rng(0)
    x, y = rng.random((784, EXAMPLES)), one_hot(rng.integers(0, 10, EXAMPLES))
    net = Network([784, 30, 10])
    for k in range(0, EXAMPLES, BATCH):
        net.update_mini_batch(x[:, k : k + BATCH], y[:, k : k + BATCH], 3.0)
    return start


def torch() -> float:
    import torch

    from comparison.torch import network

    start = high_water_mb()
    x = torch.rand(EXAMPLES, 784, dtype=torch.float64)
    target = torch.nn.functional.one_hot(torch.randint(0, 10, (EXAMPLES,)), 10).double()
    model = network.Net([784, 30, 10]).double()
    optimizer = network.make_optimizer(model, 3.0, 0.0, EXAMPLES)
    network.train_epoch(model, optimizer, network.quadratic_cost, x, target,
                        torch.arange(EXAMPLES).split(BATCH))
    return start


def keras() -> float:
    import numpy as np

    from comparison.keras import network

    start = high_water_mb()
    rng = np.random.default_rng(0)
    x, target = rng.random((EXAMPLES, 784)), np.eye(10)[rng.integers(0, 10, EXAMPLES)]
    model = network.build([784, 30, 10], init="large", dtype="float64")
    network.compile_model(model, network.quadratic_cost, 3.0)
    network.train_epoch(model, x, target, np.split(np.arange(EXAMPLES), EXAMPLES // BATCH))
    return start


if __name__ == "__main__":
    after_import = {"scratch": scratch, "torch": torch, "keras": keras}[sys.argv[1]]()
    print(after_import, high_water_mb())
