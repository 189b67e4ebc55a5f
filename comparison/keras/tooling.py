"""Watching training and shipping the model, the Keras way.

``fit_with_tensorboard`` trains with Keras's own ``TensorBoard`` callback, which writes the
curves, a histogram of every weight each epoch and the training graph; ``export`` writes a
TensorFlow SavedModel that ``load_exported`` runs without Keras or this project's code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf


def fit_with_tensorboard(model: keras.Sequential, x: np.ndarray, target: np.ndarray,
                         validation: tuple[np.ndarray, np.ndarray], epochs: int,
                         batch_size: int, log_dir: str | Path) -> dict[str, list[float]]:
    """Train with TensorBoard logging; return the per-epoch history Keras keeps."""
    board = keras.callbacks.TensorBoard(str(log_dir), histogram_freq=1)
    history = model.fit(x, target, batch_size=batch_size, epochs=epochs,
                        validation_data=validation, callbacks=[board], verbose=0)
    return history.history


def export(model: keras.Sequential, path: str | Path) -> None:
    model.export(str(path), verbose=False)


def load_exported(path: str | Path) -> Callable[[np.ndarray], tf.Tensor]:
    loaded = tf.saved_model.load(str(path))
    return lambda x: loaded.serve(x)  # keeps ``loaded``, which owns the weights, alive
