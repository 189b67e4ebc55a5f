"""The performance page's figures: both sweeps with their intervals as error bars, the
thread sweep, the step split into products and the rest. One style per path on every figure."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison.report.figures import (
    COLOURS,
    GREEN,
    MARKERS,
    legend_below,
    new_figure,
    no_minor_labels,
)
from comparison.report.speed.rows import (
    KEYS,
    new_protocol,
    ok_rows,
)

# Keras's built-in options: Keras's colour, each with a marker and a line style of its own.
OPTION_STYLES = {"keras XLA float32": {"color": GREEN, "marker": "X", "linestyle": "--"},
                 "keras steps_per_execution float32": {"color": GREEN, "marker": "h",
                                                       "linestyle": ":"}}


def style(path: str) -> dict:
    """The colour, marker and line style of a path, the same on every figure."""
    return OPTION_STYLES.get(path, {"color": COLOURS.get(path), "marker": MARKERS.get(path, "o")})


def sweep_figure(record: dict, sweep: str, value: str, label: str, ylabel: str) -> Figure:
    """One line per path, with its interval (old records: min–max) as error bars."""
    key = KEYS[sweep]
    figure, ax = new_figure(4.8, 3.6)
    for path in record["config"]["paths"]:
        rows = sorted((r for r in ok_rows(record, sweep) if r["path"] == path),
                      key=lambda r: r[key])
        if not rows:
            continue
        y = np.array([r[value] for r in rows])
        median = np.array([r["median_s"] for r in rows])  # throughput scales as 1 / time
        slow = np.array([r.get("high_s", r.get("max_s")) for r in rows])
        fast = np.array([r.get("low_s", r.get("min_s")) for r in rows])
        errors = np.clip([y - y * median / slow, y * median / fast - y], 0, None)
        ax.errorbar([r[key] for r in rows], y, yerr=errors, markersize=6, capsize=3,
                    label=path, **style(path))
    ax.set(xscale="log", yscale="log", xlabel=label, ylabel=ylabel)
    ax.set_xticks(sorted({r[key] for r in ok_rows(record, sweep)}))
    ax.xaxis.set_major_formatter("{x:g}")
    no_minor_labels(ax)
    legend_below(ax)
    return figure


def width_figure(record: dict) -> Figure:
    figure = sweep_figure(record, "width", "gflops", "hidden neurons (mini-batch 100)",
                          "achieved GFLOP/s")
    peak = {dtype: g["peak"] for dtype, g in record["gemm_by_library"]["all_threads"].items()}
    for dtype, style in (("float32", ":"), ("float64", "--")):
        figure.axes[0].axhline(peak[dtype], color="#999999", linestyle=style,
                               label=f"GEMM peak {dtype}: {peak[dtype]:.0f} GFLOP/s")
    legend_below(figure.axes[0])
    return figure


def thread_figure(record: dict) -> Figure:
    """Seconds per epoch against the thread count, one panel per point of the sweep."""
    rows = ok_rows(record, "threads")
    points = sorted({(r["batch_size"], r["width"]) for r in rows})
    figure = Figure(figsize=(4.3, 3.6))
    axes = np.atleast_1d(figure.subplots(1, len(points), sharey=False))
    for ax, (batch_size, width) in zip(axes, points):
        for path in dict.fromkeys(r["path"] for r in rows):
            line = sorted((r for r in rows if (r["path"], r["batch_size"], r["width"])
                           == (path, batch_size, width)), key=lambda r: r["threads"])
            y = np.array([r["seconds_per_epoch"] for r in line])
            errors = [y - [r["epoch_low_s"] for r in line], [r["epoch_high_s"] for r in line] - y]
            ax.errorbar([r["threads"] for r in line], y, yerr=np.clip(errors, 0, None),
                        capsize=3, label=path, **style(path))
        ax.set(title=f"mini-batch {batch_size}, width {width}", xlabel="threads",
               yscale="log")
        ax.set_xticks(sorted({r["threads"] for r in rows}))
    axes[0].set_ylabel("seconds per 50k epoch")
    legend_below(axes[0])
    return figure


def gap_figure(record: dict) -> Figure:
    """Each library's step as a stacked bar, its matrix products and the rest, one panel per
    point (their scales differ by orders of magnitude)."""
    figure = Figure(figsize=(4.3, 3.6))
    axes = np.atleast_1d(figure.subplots(1, len(record["gap"])))
    for ax, g in zip(axes, record["gap"]):
        for x, (library, name) in enumerate((("numpy", "scratch float32"),
                                             ("torch", "torch float32"))):
            s = g[library]
            products = s.get("profiler_products_s", s["products_alone_s"]) * 1e3
            ax.bar(x, products, color=COLOURS[name])
            ax.bar(x, max(s["step_s"] * 1e3 - products, 0), bottom=products,
                   color=COLOURS[name], alpha=0.35)
        ax.set_xticks([0, 1], ["NumPy", "PyTorch"])
        ax.set_title(f"{g['batch_size']} x {g['width']}")
    axes[0].set_ylabel("ms per step\n(solid: matrix products,\npale: the rest)")
    return figure


def figures(record: dict) -> Iterator[tuple[str, Figure]]:
    yield "speed-batch", sweep_figure(record, "batch", "examples_per_s", "mini-batch size",
                                      "training examples per second")
    yield "speed-width", width_figure(record)
    if new_protocol(record):
        yield "speed-threads", thread_figure(record)
        if record["gap"]:
            yield "speed-gap", gap_figure(record)
