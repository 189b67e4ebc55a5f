"""This implementation's part of the fresh-process probe (``experiments/speed/memory_probe.py``)."""


def load():
    import numpy as np

    from comparison.data.batches import one_hot
    from comparison.scratch.network import Network
    return np, one_hot, Network


def train(loaded, examples: int, batch: int) -> None:
    np, one_hot, Network = loaded
    rng = np.random.default_rng(0)
    x, y = rng.random((784, examples)), one_hot(rng.integers(0, 10, examples))
    net = Network([784, 30, 10])
    for k in range(0, examples, batch):
        net.update_mini_batch(x[:, k : k + batch], y[:, k : k + batch], 3.0)
