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
    """Sigmoid hidden layers and an output layer that returns logits (z), as in
    ``comparison.torch.network``."""
    use_dtype(dtype)
    layers = [keras.Input((sizes[0],))]
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        activation = "sigmoid" if k < len(sizes) - 2 else None
        layers.append(dense(n_out, activation, n_in, init, lmbda / (2 * n), seed + 2 * k))
    return keras.Sequential(layers)


def use_dtype(dtype: str) -> None:
    """Keras's float type and dtype policy are process-wide (layers, losses and their
    bookkeeping read them), so every model function sets both before it builds."""
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)


def dense(n_out: int, activation: str | None, n_in: int, init: str, l2: float,
          seed: int) -> keras.layers.Dense:
    """A layer initialised as the book does: weights N(0, 1/n_in) ("scaled") or N(0, 1)."""
    std = n_in**-0.5 if init == "scaled" else 1.0
    return keras.layers.Dense(
        n_out, activation=activation,
        kernel_initializer=keras.initializers.RandomNormal(stddev=std, seed=seed),
        bias_initializer=keras.initializers.RandomNormal(stddev=1.0, seed=seed + 1),
        kernel_regularizer=l2_penalty(l2))


def l2_penalty(l2: float):
    """``l2 * sum(W^2)``, or None for no penalty.

    Not ``keras.regularizers.L2(l2)``: on the TensorFlow backend it rounds l2 to float32 even
    in a float64 model (a 1e-8 relative error the equivalence test sees); a plain function
    multiplies in the weights' own precision.
    """
    if not l2:
        return None

    def penalty(w):  # named, not a lambda: Keras saves the model's config with its functions
        return l2 * ops.sum(w * w)
    return penalty


def quadratic_cost(target, logits):
    """Per example: 1/2 ||sigmoid(z) - y||^2 (Keras averages over the batch)."""
    return 0.5 * ops.sum((ops.sigmoid(logits) - target) ** 2, axis=-1)


def cross_entropy_cost(target, logits):
    """Per example: the cross-entropy summed (not averaged) over the output neurons."""
    return ops.sum(ops.binary_crossentropy(target, logits, from_logits=True), axis=-1)


COSTS = {"quadratic": quadratic_cost, "cross-entropy": cross_entropy_cost}


def compile_model(model: keras.Sequential, cost, eta: float) -> None:
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta), loss=cost)


def train_epoch(model: keras.Sequential, rows, batch_size: int,
                callbacks: list | None = None) -> None:
    """One pass over ``rows``, a ``tf.data.Dataset`` of (input, target) already in training
    order: cut ``batch_size`` at a time, they are exactly the given mini-batches."""
    model.fit(rows.batch(batch_size), epochs=1, shuffle=False, verbose=0, callbacks=callbacks)


def evaluate(model: keras.Sequential, cost, x: np.ndarray, labels: np.ndarray,
             target: np.ndarray) -> tuple[float, float]:
    """(mean cost without the L2 term, accuracy)."""
    logits = model.predict_on_batch(x)
    return (float(ops.mean(cost(target, logits))),
            float(np.mean(np.argmax(logits, axis=1) == labels)))


def get_parameters(model: keras.Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every layer's (W, b) in the book's shapes (b a column), from Keras's layouts."""
    parameters, flattened = [], None
    for layer in model.layers:
        if isinstance(layer, keras.layers.Flatten):
            flattened = layer.input.shape[1:]
        elif layer.weights:
            kernel, bias = layer.get_weights()
            parameters.append((_to_book(kernel, flattened), bias.reshape(-1, 1)))
            flattened = None
    return parameters


def set_parameters(model: keras.Sequential, parameters) -> None:
    with_weights, flattened = iter(parameters), None
    for layer in model.layers:
        if isinstance(layer, keras.layers.Flatten):
            flattened = layer.input.shape[1:]
        elif layer.weights:
            w, b = next(with_weights)
            layer.set_weights([_to_keras(np.asarray(w), flattened), np.asarray(b).reshape(-1)])
            flattened = None


def _to_book(kernel: np.ndarray, flattened) -> np.ndarray:
    """Keras's kernel as the book's (and PyTorch's) W.

    Dense (n_in, n_out) -> (n_out, n_in). Conv2D (rows, columns, channels in, maps) ->
    (maps, channels in, rows, columns). A Dense after ``Flatten`` of (rows, columns, maps)
    reads its inputs in that order; PyTorch's order is (maps, rows, columns).
    """
    if kernel.ndim == 4:
        return kernel.transpose(3, 2, 0, 1).copy()
    if flattened is not None:
        kernel = kernel.reshape(*flattened, -1).transpose(2, 0, 1, 3).reshape(kernel.shape)
    return kernel.T.copy()


def _to_keras(w: np.ndarray, flattened) -> np.ndarray:
    """The inverse of ``_to_book``."""
    if w.ndim == 4:
        return w.transpose(2, 3, 1, 0)
    kernel = w.T
    if flattened is not None:
        rows, columns, maps = flattened
        kernel = kernel.reshape(maps, rows, columns, -1).transpose(1, 2, 0, 3)
    return kernel.reshape(w.shape[::-1])
