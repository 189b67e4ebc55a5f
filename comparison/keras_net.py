"""The same network written the way a Keras user writes it (Keras 3 on TensorFlow).

A ``Sequential`` stack of ``Dense`` layers, a loss function, ``SGD`` and ``fit``. Two of
Keras's conventions differ from the book's and are converted deliberately:

* a ``Dense`` kernel is (n_in, n_out), the *transpose* of the book's W (n_out, n_in), because
  Keras multiplies rows of examples from the right: ``x @ kernel + bias``;
* L2 is a ``kernel_regularizer`` that adds ``l2 * sum(W^2)`` to the mean cost, so
  ``l2 = lmbda / (2 n)`` gives the gradient term ``(lmbda / n) W`` of the book's update.

An optional extra: ``pip install -r requirements-keras.txt``.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up notices

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402


def build(sizes: list[int], init: str = "scaled", lmbda: float = 0.0, n: int = 1,
          seed: int = 0, dtype: str = "float32") -> keras.Sequential:
    """Sigmoid hidden layers and an output layer that returns logits (z), like ``torch_net``.

    Keras's float type is process-wide (its loss bookkeeping uses it), so building a model
    sets it to ``dtype``.
    """
    keras.config.set_floatx(dtype)
    l2 = lmbda / (2 * n)
    # Not keras.regularizers.L2(l2): on the TensorFlow backend it rounds l2 to float32 even in
    # a float64 model (a 1e-8 relative error the equivalence test sees); a plain function
    # multiplies in the weights' own precision.
    regularizer = (lambda w: l2 * ops.sum(w * w)) if lmbda else None
    layers = [keras.Input((sizes[0],), dtype=dtype)]
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        std = n_in**-0.5 if init == "scaled" else 1.0
        layers.append(keras.layers.Dense(
            n_out, activation="sigmoid" if k < len(sizes) - 2 else None, dtype=dtype,
            kernel_initializer=keras.initializers.RandomNormal(stddev=std, seed=seed + 2 * k),
            bias_initializer=keras.initializers.RandomNormal(stddev=1.0, seed=seed + 2 * k + 1),
            kernel_regularizer=regularizer))
    return keras.Sequential(layers)


def quadratic_cost(target, logits):
    """Per example: 1/2 ||sigmoid(z) - y||^2 (Keras averages over the batch)."""
    return 0.5 * ops.sum((ops.sigmoid(logits) - target) ** 2, axis=-1)


def cross_entropy_cost(target, logits):
    """Per example: the cross-entropy summed (not averaged) over the output neurons."""
    return ops.sum(ops.binary_crossentropy(target, logits, from_logits=True), axis=-1)


COSTS = {"quadratic": quadratic_cost, "cross-entropy": cross_entropy_cost}


def compile_model(model: keras.Sequential, cost, eta: float) -> None:
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta), loss=cost)


def train_epoch(model: keras.Sequential, x: np.ndarray, target: np.ndarray,
                batches: list[np.ndarray]) -> None:
    """One pass over the given mini-batches, in their order: ``fit`` over the rows in that
    order, unshuffled, cuts exactly the same batches."""
    order = np.concatenate(batches)
    model.fit(x[order], target[order], batch_size=len(batches[0]), epochs=1, shuffle=False,
              verbose=0)


def evaluate(model: keras.Sequential, cost, x: np.ndarray, labels: np.ndarray,
             target: np.ndarray) -> tuple[float, float]:
    """(mean cost without the L2 term, accuracy)."""
    logits = model.predict_on_batch(x)
    return (float(ops.mean(cost(target, logits))),
            float(np.mean(np.argmax(logits, axis=1) == labels)))


def get_parameters(model: keras.Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every layer's (W, b) in the book's shapes: the kernel transposed, b a column."""
    return [(kernel.T.copy(), bias.reshape(-1, 1).copy())
            for kernel, bias in (layer.get_weights() for layer in model.layers)]


def set_parameters(model: keras.Sequential, parameters) -> None:
    for layer, (w, b) in zip(model.layers, parameters):
        layer.set_weights([np.asarray(w).T, np.asarray(b).reshape(-1)])
