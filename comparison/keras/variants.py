"""The flexibility variants the way a Keras user makes them: a layer, a string or an argument.

Each is an edited copy of one function of ``keras_net.py`` (or, for the convolutional layer,
a new model function); Keras derives every gradient, so no backward pass is written here.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from comparison.keras.network import dense, l2_penalty, use_dtype


def build_relu(sizes: list[int], init: str = "scaled", lmbda: float = 0.0, n: int = 1,
               seed: int = 0, dtype: str = "float32") -> keras.Sequential:
    """``build`` with rectified linear hidden neurons: one string changes."""
    use_dtype(dtype)
    layers = [keras.Input((sizes[0],))]
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        activation = "relu" if k < len(sizes) - 2 else None
        layers.append(dense(n_out, activation, n_in, init, lmbda / (2 * n), seed + 2 * k))
    return keras.Sequential(layers)


def log_likelihood_cost(target, logits):
    """Per example: -ln softmax(z)_y; Keras applies the softmax itself (``from_logits``)."""
    return ops.categorical_crossentropy(target, logits, from_logits=True)


def compile_momentum(model: keras.Sequential, cost, eta: float, momentum: float = 0.9) -> None:
    """``compile_model`` with momentum: SGD keeps the velocities itself."""
    # np.float64: on TensorFlow, SGD casts a Python float to float32 on the way to a float64
    # model's dtype (0.9 -> 0.8999999762), as the L2 regulariser does (see keras_net.py).
    momentum = np.float64(momentum)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta, momentum=momentum),
                  loss=cost)


def build_dropout(sizes: list[int], init: str = "scaled", lmbda: float = 0.0, n: int = 1,
                  seed: int = 0, dtype: str = "float32", p: float = 0.5) -> keras.Sequential:
    """``build`` with a ``Dropout`` layer after each hidden layer; ``fit`` switches it on,
    ``predict`` off."""
    use_dtype(dtype)
    layers = [keras.Input((sizes[0],))]
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        activation = "sigmoid" if k < len(sizes) - 2 else None
        layers.append(dense(n_out, activation, n_in, init, lmbda / (2 * n), seed + 2 * k))
        if activation:
            layers.append(keras.layers.Dropout(p, seed=seed))
    return keras.Sequential(layers)


def build_conv(sizes: list[int], init: str = "scaled", lmbda: float = 0.0, n: int = 1,
               seed: int = 0, dtype: str = "float32") -> keras.Sequential:
    """Twenty 5x5 convolutions, 2x2 max-pooling and a sigmoid before the dense ``sizes[1:]``."""
    use_dtype(dtype)
    l2 = lmbda / (2 * n)
    normal = keras.initializers.RandomNormal
    layers = [keras.Input((sizes[0],)), keras.layers.Reshape((28, 28, 1)),
              keras.layers.Conv2D(20, 5, kernel_initializer=normal(stddev=1 / 5, seed=seed),
                                  bias_initializer=normal(stddev=1.0, seed=seed + 1),
                                  kernel_regularizer=l2_penalty(l2)),
              keras.layers.MaxPooling2D(2), keras.layers.Activation("sigmoid"),
              keras.layers.Flatten()]
    dense_sizes = [20 * 12 * 12, *sizes[1:]]
    for k, (n_in, n_out) in enumerate(zip(dense_sizes[:-1], dense_sizes[1:])):
        activation = "sigmoid" if k < len(dense_sizes) - 2 else None
        layers.append(dense(n_out, activation, n_in, init, l2, seed + 2 * k + 2))
    return keras.Sequential(layers)
