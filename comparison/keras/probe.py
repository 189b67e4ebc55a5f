"""This implementation's part of the fresh-process probe (``experiments/speed/memory_probe.py``)."""


def load():
    import numpy as np
    import tensorflow as tf

    from comparison.keras import network
    return np, tf, network


def train(loaded, examples: int, batch: int) -> None:
    np, tf, network = loaded
    rng = np.random.default_rng(0)
    x, target = rng.random((examples, 784)), np.eye(10)[rng.integers(0, 10, examples)]
    model = network.build([784, 30, 10], init="large", dtype="float64")
    network.compile_model(model, network.quadratic_cost, 3.0)
    network.train_epoch(model, tf.data.Dataset.from_tensor_slices((x, target)), batch)
