"""The performance page's figures: both sweeps with their intervals as error bars, the
thread sweep, the step split into products and the rest. One style per path on every figure."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison.report.figures import (
    COLOURS,
    GREEN,
    GREY,
    MARKERS,
    legend_below,
    ratio_panel,
)
from comparison.report.speed.rows import (
    KEYS,
    new_protocol,
    ok_rows,
)
from comparison.report.verdicts import MIN_EFFECT, UNCLEAR, side_of

# Keras's built-in options: Keras's colour, each with a marker and a line style of its own.
OPTION_STYLES = {"keras XLA float32": {"color": GREEN, "marker": "X", "linestyle": "--"},
                 "keras steps_per_execution float32": {"color": GREEN, "marker": "h",
                                                       "linestyle": ":"}}


def style(path: str) -> dict:
    """The colour, marker and line style of a path, the same on every figure."""
    return OPTION_STYLES.get(path, {"color": COLOURS.get(path), "marker": MARKERS.get(path, "o")})


# One panel per library on the sweep figures, each path named inside its panel, briefly.
FAMILIES = {"book": "NumPy", "scratch": "NumPy", "torch": "PyTorch", "keras": "Keras",
            "jax": "JAX"}
SHORT = {"book per-example (float64)": "book's loop, f64", "scratch float64": "matrices, f64",
         "scratch float32": "matrices, f32", "torch.compile float32": "compile, f32",
         "keras XLA float32": "XLA, f32", "keras steps_per_execution float32": "steps/call, f32",
         "jax float32": "jit, f32"}
# The framework paths the ratio figure sets against the NumPy code, one row each.
RATIO_PATHS = {"torch float32": "PyTorch", "keras float32": "Keras", "jax float32": "JAX"}
RATIO_BASE = "scratch float32"


def family(path: str) -> str:
    return FAMILIES[path.split()[0].split(".")[0]]


def short(path: str) -> str:
    """A path's name inside its library's panel: "f32", "compile, f32"."""
    return SHORT.get(path, " ".join(path.split()[1:]).replace("float", "f"))


def sweep_figure(record: dict, sweep: str, value: str, label: str, ylabel: str,
                 scale: float = 1.0) -> Figure:
    """One panel per library (shared axes), one line per path with its interval (old
    records: min–max) as error bars, each path named in a legend inside its panel."""
    key = KEYS[sweep]
    paths = [p for p in record["config"]["paths"]
             if any(r["path"] == p for r in ok_rows(record, sweep))]
    families = list(dict.fromkeys(family(p) for p in paths))
    columns = 2 if len(families) > 1 else 1
    rows_of_panels = math.ceil(len(families) / columns)
    figure = Figure(figsize=(4.8, 1.0 + 2.0 * rows_of_panels), layout="constrained")
    axes = figure.subplots(rows_of_panels, columns, sharex=True, sharey=True,
                           squeeze=False).ravel()
    for ax, name in zip(axes, families):
        for path in (p for p in paths if family(p) == name):
            rows = sorted((r for r in ok_rows(record, sweep) if r["path"] == path),
                          key=lambda r: r[key])
            y = np.array([r[value] for r in rows]) / scale
            median = np.array([r["median_s"] for r in rows])  # throughput scales as 1 / time
            slow = np.array([r.get("high_s", r.get("max_s")) for r in rows])
            fast = np.array([r.get("low_s", r.get("min_s")) for r in rows])
            errors = np.clip([y - y * median / slow, y * median / fast - y], 0, None)
            ax.errorbar([r[key] for r in rows], y, yerr=errors, markersize=5, capsize=2,
                        label=short(path), **style(path))
        ax.set_title(name)
    for ax in axes[len(families):]:
        ax.set_visible(False)
    points = sorted({r[key] for r in ok_rows(record, sweep)})
    axes[0].set(xscale="log", yscale="log")
    axes[0].set_xticks(sparse_ticks(points))
    axes[0].set_xlim(points[0] / 1.5, points[-1] * 1.5)
    # Throughput rises to the right, so the bottom right of each panel is free for its legend
    # (inside the plot, never taller than it).
    for ax in axes[:len(families)]:
        ax.legend(loc="lower right", fontsize=12, handlelength=1.2, borderaxespad=0.2,
                  labelspacing=0.2)
    figure.supxlabel(label)
    figure.supylabel(ylabel)
    return figure


def sparse_ticks(points: list[float]) -> list[float]:
    """Few enough tick labels for a narrow panel: the first point and its multiples by ten
    (10, 100, 1000; 30, 300, 3000), or the two ends."""
    tens = [x for x in points if math.log10(x / points[0]) % 1 < 1e-9]
    return tens if len(tens) >= 2 else [points[0], points[-1]]


def width_figure(record: dict) -> Figure:
    """The width sweep, with the machine's matrix-multiply peaks as grey lines in every panel
    (dotted: float32, dashed: float64)."""
    figure = sweep_figure(record, "width", "gflops", "hidden neurons (mini-batch 100)",
                          "achieved GFLOP/s")
    peak = {dtype: g["peak"] for dtype, g in record["gemm_by_library"]["all_threads"].items()}
    for ax in figure.axes:
        if ax.get_visible():
            for dtype, line in (("float32", ":"), ("float64", "--")):
                ax.axhline(peak[dtype], color=GREY, linestyle=line)
    return figure


def ratio_figure(record: dict) -> Figure:
    """Each framework's time over the NumPy code's at every point of both sweeps: one row per
    framework, one column per sweep, the band of differences under the minimum effect shaded."""
    frameworks = [p for p in RATIO_PATHS if any(c["a"] == p for c in record["comparisons"])]
    figure = Figure(figsize=(4.8, 1.2 + 1.45 * len(frameworks)), layout="constrained")
    axes = figure.subplots(len(frameworks), 2, sharey=True, sharex="col", squeeze=False)
    for row, path in zip(axes, frameworks):
        for ax, sweep in zip(row, ("batch", "width")):
            found = sorted((c for c in record["comparisons"]
                            if (c["sweep"], c["a"], c["b"]) == (sweep, path, RATIO_BASE)),
                           key=lambda c: c[KEYS[sweep]])
            ratio_panel(ax, [c[KEYS[sweep]] for c in found], found, COLOURS[path],
                        [side_of(c) != UNCLEAR for c in found], MIN_EFFECT)
            ax.set(xscale="log", yscale="log")  # labelled as plain numbers by render()
        row[0].set_ylabel(RATIO_PATHS[path])
    for ax, title in zip(axes[0], ("by mini-batch", "by width")):
        ax.set_title(title)
    for ax, sweep, label in zip(axes[-1], ("batch", "width"), ("mini-batch", "width")):
        ax.set_xlabel(label)
        points = sorted({c[KEYS[sweep]] for c in record["comparisons"] if c["sweep"] == sweep})
        ax.set_xticks(sparse_ticks(points))
        ax.set_xlim(points[0] / 1.5, points[-1] * 1.5)
    figure.supylabel("time ÷ NumPy's (below 1: faster)")
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
    if record.get("comparisons"):
        yield "speed-ratios", ratio_figure(record)
    yield "speed-batch", sweep_figure(record, "batch", "examples_per_s", "mini-batch size",
                                      "thousand training examples per second", 1000)
    yield "speed-width", width_figure(record)
    if new_protocol(record):
        yield "speed-threads", thread_figure(record)
        if record["gap"]:
            yield "speed-gap", gap_figure(record)
