"""Watching training and shipping the model: the code each implementation needs for it.

PyTorch: ``log_epoch`` writes the curves, a histogram of every parameter and the model's graph
to TensorBoard; ``export`` and ``load_exported`` round-trip the trained model through
``torch.export``, a file that runs without this project's code.
From scratch: ``plot_history`` draws the same curves and weight histograms with matplotlib;
the network's own ``save`` and ``load`` (JSON) are its deployment format.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from comparison.scratch import Network  # noqa: E402

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


def plot_history(history: dict, net: Network, path: str | Path) -> None:
    """Cost and accuracy per epoch, and the final weights' histogram per layer, in one SVG."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for split in ("validation", "test"):
        axes[0].plot(history["epoch"], history[f"{split}_cost"], label=split)
        axes[1].plot(history["epoch"], history[f"{split}_accuracy"], label=split)
    for layer, w in enumerate(net.weights, start=1):
        axes[2].hist(w.ravel(), bins=50, alpha=0.6, label=f"layer {layer}")
    for ax, title in zip(axes, ("cost", "accuracy", "weights")):
        ax.set_title(title)
        ax.legend()
    fig.savefig(path)
    plt.close(fig)


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
