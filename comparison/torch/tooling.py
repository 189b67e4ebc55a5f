"""Watching training and shipping the model, the PyTorch way.

``log_epoch`` writes the curves, a histogram of every parameter and the model's graph to
TensorBoard; ``export`` and ``load_exported`` round-trip the trained model through
``torch.export``, a file that runs without this project's code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

if TYPE_CHECKING:  # TensorBoard loads TensorFlow where installed: only the caller pays for it
    from torch.utils.tensorboard import SummaryWriter


def log_epoch(writer: SummaryWriter, model: nn.Module, epoch: int,
              metrics: dict[str, float], example: torch.Tensor) -> None:
    """One epoch's metrics and parameter histograms; the graph once, at the first epoch."""
    if epoch == 1:
        writer.add_graph(model, example)
    for name, value in metrics.items():
        writer.add_scalar(name, value, epoch)
    for name, parameter in model.named_parameters():
        writer.add_histogram(name, parameter, epoch)


def open_writer(logdir: Path) -> SummaryWriter:
    """PyTorch's TensorBoard writer on ``logdir`` (imported here, so that only a caller that
    logs pays for TensorFlow where it is installed)."""
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(logdir)


def log_run_epoch(writer: SummaryWriter, runner, epoch: int, metrics: dict[str, float]) -> None:
    """``log_epoch`` for a runner's model, two test images tracing its graph."""
    log_epoch(writer, runner.model, epoch, metrics, runner.split("test").x[:2])


def export(model: nn.Module, example: torch.Tensor, path: str | Path) -> None:
    """Trace the model into a self-contained program (any batch size) and save it.

    The program keeps its example input, storage and all: a copy keeps a slice of a large
    tensor from taking the whole tensor into the file.
    """
    batch = torch.export.Dim("batch")
    program = torch.export.export(model.eval(), (example.clone(),),
                                  dynamic_shapes=({0: batch},))
    torch.export.save(program, path)


def load_exported(path: str | Path) -> Callable[[torch.Tensor], torch.Tensor]:
    return torch.export.load(path).module()
