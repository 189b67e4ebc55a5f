"""Watching training and shipping the model, the JAX way.

JAX has no logger of its own: ``log_epoch`` writes the curves with TensorBoard's own writer
(``tensorboard.summary.Writer``, which needs neither TensorFlow nor PyTorch; scalars only).
``export`` and ``load_exported`` round-trip the forward pass through ``jax.export``: a
serialized StableHLO program, for any batch size, with the trained parameters baked in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jax
from tensorboard.summary import Writer


def log_epoch(writer: Writer, epoch: int, metrics: dict[str, float]) -> None:
    """One epoch's metrics, as scalars."""
    for name, value in metrics.items():
        writer.add_scalar(name, value, step=epoch)


def open_writer(logdir: Path) -> Writer:
    return Writer(str(logdir))


def log_run_epoch(writer: Writer, runner, epoch: int, metrics: dict[str, float]) -> None:
    """``log_epoch`` for a runner (JAX logs no parameters: the runner is not needed)."""
    log_epoch(writer, epoch, metrics)


def export(forward: Callable, params, n_in: int, dtype: str, path: str | Path) -> None:
    """Trace ``forward`` with the parameters fixed, for a symbolic batch size, and save it."""
    batch, = jax.export.symbolic_shape("batch")
    program = jax.export.export(jax.jit(lambda x: forward(params, x)))(
        jax.ShapeDtypeStruct((batch, n_in), dtype))
    Path(path).write_bytes(program.serialize())


def load_exported(path: str | Path) -> Callable[[jax.Array], jax.Array]:
    return jax.export.deserialize(bytearray(Path(path).read_bytes())).call
