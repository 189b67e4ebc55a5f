"""Watching training from scratch: the curves and weight histograms, drawn by hand.

What TensorBoard gives the frameworks, a NumPy program writes itself: ``plot_history`` draws
cost and accuracy per epoch and each layer's final weights into one SVG. The network's own
``save`` and ``load`` (JSON, in ``network.py``) are its deployment format.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from comparison.scratch.network import Network


def plot_history(history: dict, net: Network, path: str | Path) -> None:
    """Cost and accuracy per epoch, and the final weights' histogram per layer, in one SVG."""
    # A bare Figure, not pyplot: drawing a file needs no GUI backend and changes no global state.
    fig = Figure(figsize=(12, 3.5))
    axes = fig.subplots(1, 3)
    for split in ("validation", "test"):
        axes[0].plot(history["epoch"], history[f"{split}_cost"], label=split)
        axes[1].plot(history["epoch"], history[f"{split}_accuracy"], label=split)
    for layer, w in enumerate(net.weights, start=1):
        axes[2].hist(w.ravel(), bins=50, alpha=0.6, label=f"layer {layer}")
    for ax, title in zip(axes, ("cost", "accuracy", "weights")):
        ax.set_title(title)
        ax.legend()
    fig.savefig(path)
