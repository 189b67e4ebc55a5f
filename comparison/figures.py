"""Figures drawn from stored results alone, each as a light and a dark SVG.

``python -m comparison figures`` redraws them all without re-running anything.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from comparison.atomic import write_atomically  # noqa: E402

THEMES = {
    "light": {"text": "#1f2328", "grid": "#d0d7de"},
    "dark": {"text": "#e6edf3", "grid": "#3d444d"},
}
# One colour per implementation (and per path), the same on every figure.
COLOURS = {
    "scratch": "#1f77b4", "torch": "#e4572e", "torch-paired": "#2a9d8f",
    "book per-example (float64)": "#7f7f7f", "scratch float64": "#1f77b4",
    "scratch float32": "#6baed6", "torch float64": "#e4572e", "torch float32": "#f4a261",
    "torch.compile float32": "#9b5de5", "torch CUDA float32": "#2a9d8f",
    "keras": "#6a994e", "keras float32": "#6a994e",
}
LABELS = {"scratch": "from scratch (NumPy)", "torch": "PyTorch",
          "torch-paired": "PyTorch, scratch's initial weights", "keras": "Keras (TensorFlow)"}


def render(name: str, record: dict, folder: Path, prefix: str = "") -> list[str]:
    """Write every figure of one experiment, ids starting with ``prefix``; return the ids."""
    plots = PLOTS.get(name)
    if plots is None:
        return []
    ids = []
    for theme, colours in THEMES.items():
        style = {"text.color": colours["text"], "axes.labelcolor": colours["text"],
                 "xtick.color": colours["text"], "ytick.color": colours["text"],
                 "axes.edgecolor": colours["grid"], "grid.color": colours["grid"],
                 "axes.grid": True, "grid.linewidth": 0.6, "legend.frameon": False,
                 "font.size": 10, "svg.fonttype": "none", "savefig.transparent": True}
        with plt.rc_context(style):
            for figure_id, figure in plots(record):
                figure_id = prefix + figure_id
                buffer = io.BytesIO()
                figure.savefig(buffer, format="svg", bbox_inches="tight")
                plt.close(figure)
                write_atomically(folder / f"{figure_id}-{theme}.svg", buffer.getvalue())
                if theme == "light":
                    ids.append(figure_id)
    return ids


def book_curves(record: dict) -> Iterator[tuple[str, plt.Figure]]:
    """Accuracy per epoch per implementation: each seed, their mean and a min-max band."""
    config = record["config"]
    for dataset in config["datasets"]:
        for setting, spec in config["settings"].items():
            split = spec["book_split"]
            figure, ax = plt.subplots(figsize=(6.4, 3.6))
            runs = [r for r in record["runs"] if (r["dataset"], r["setting"]) == (dataset, setting)]
            for impl in dict.fromkeys(r["impl"] for r in runs):
                curves = np.array([r["history"][f"{split}_accuracy"] for r in runs
                                   if r["impl"] == impl]) * 100
                epochs = np.arange(1, curves.shape[1] + 1)
                ax.plot(epochs, curves.mean(axis=0), color=COLOURS[impl],
                        label=f"{LABELS[impl]} (mean of {len(curves)})")
                ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0),
                                color=COLOURS[impl], alpha=0.12, linewidth=0)
                # each seed too: where runs stall, the mean describes no actual run
                ax.plot(epochs, curves.T, color=COLOURS[impl], linewidth=0.5, alpha=0.5)
            if dataset == "mnist":
                ax.axhline(spec["book"] * 100, color="#999999", linestyle="--",
                           label=f"book: {spec['book']:.2%}")
            ax.set(xlabel="epoch", ylabel=f"{split} accuracy (%)")
            _legend_below(ax)
            yield f"book-{dataset}-{setting}", figure


def speed_sweep(record: dict, sweep: str, key: str, label: str, value: str, ylabel: str):
    figure, ax = plt.subplots(figsize=(6.4, 4.0))
    for path in record["config"]["paths"]:
        rows = sorted((r for r in record["rows"] if r["sweep"] == sweep and r["path"] == path
                       and r["status"] == "ok"), key=lambda r: r[key])
        if not rows:
            continue
        x = [r[key] for r in rows]
        y = np.array([r[value] for r in rows])
        # min/max seconds give max/min throughput
        scale = np.array([r["median_s"] for r in rows])
        low = y * scale / np.array([r["max_s"] for r in rows])
        high = y * scale / np.array([r["min_s"] for r in rows])
        # clip: with one repeat the bounds equal y up to rounding, which may go negative
        ax.errorbar(x, y, yerr=np.clip([y - low, high - y], 0, None), marker="o",
                    markersize=3, capsize=2, color=COLOURS.get(path), label=path)
    ax.set(xscale="log", yscale="log", xlabel=label, ylabel=ylabel)
    _legend_below(ax)
    return figure


def _legend_below(ax: plt.Axes) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8)


def speed_figures(record: dict) -> Iterator[tuple[str, plt.Figure]]:
    yield "speed-batch", speed_sweep(record, "batch", "batch_size", "mini-batch size",
                                     "examples_per_s", "training examples per second")
    figure = speed_sweep(record, "width", "width", "hidden neurons (mini-batch 100)",
                         "gflops", "achieved GFLOP/s")
    peak = {dtype: g["peak"] for dtype, g in record["gemm_by_library"]["all_threads"].items()}
    for dtype, style in (("float32", ":"), ("float64", "--")):
        figure.axes[0].axhline(peak[dtype], color="#999999", linestyle=style,
                               label=f"GEMM peak {dtype}: {peak[dtype]:.0f} GFLOP/s")
    _legend_below(figure.axes[0])
    yield "speed-width", figure
    yield "speed-threads", thread_bars(record)


def thread_bars(record: dict) -> plt.Figure:
    rows = [r for r in record["rows"] if r["status"] == "ok" and r["width"] == 30
            and r["batch_size"] in record["config"]["thread_batch_sizes"]
            and r["sweep"] in ("batch", "threads") and "compile" not in r["path"]
            and "CUDA" not in r["path"]]
    paths = list(dict.fromkeys(r["path"] for r in rows))
    sizes = record["config"]["thread_batch_sizes"]
    figure, axes = plt.subplots(1, len(sizes), figsize=(6.4, 3.6), sharey=True)
    for ax, size in zip(np.atleast_1d(axes), sizes):
        for i, path in enumerate(paths):
            for offset, threads in ((-0.2, 1), (0.2, "all")):
                match = [r for r in rows if (r["path"], r["batch_size"], r["threads"])
                         == (path, size, threads)]
                if match:
                    ax.bar(i + offset, match[0]["examples_per_s"], width=0.4,
                           color=COLOURS.get(path), alpha=0.5 if threads == 1 else 1.0)
        ax.set_xticks(range(len(paths)), [p.replace(" (float64)", "") for p in paths],
                      rotation=60, ha="right", fontsize=7)
        ax.set_title(f"mini-batch {size}", fontsize=9)
        ax.set_yscale("log")
    np.atleast_1d(axes)[0].set_ylabel("examples per second\n(pale: 1 thread, solid: all)")
    return figure


PLOTS: dict[str, Callable] = {"book": book_curves, "speed": speed_figures}
