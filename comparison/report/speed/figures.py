"""The performance page's figures: both sweeps with their intervals as error bars, the
thread sweep, the step split into products and the rest. One style per path on every figure."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from comparison import implementations
from comparison.experiments.speed.paths import PATHS as TIMED_PATHS
from comparison.experiments.speed.result import Result, Split
from comparison.report.figures import (
    COLOURS,
    GREEN,
    GREY,
    MARKERS,
    legend_below,
    ratio_panel,
)
from comparison.report.verdicts import MIN_EFFECT, UNCLEAR
from comparison.stats import side_of

# Keras's built-in options: Keras's colour, each with a marker and a line style of its own.
OPTION_STYLES = {"keras XLA float32": {"color": GREEN, "marker": "X", "linestyle": "--"},
                 "keras steps_per_execution float32": {"color": GREEN, "marker": "h",
                                                       "linestyle": ":"}}


def style(path: str) -> dict:
    """The colour, marker and line style of a path, the same on every figure."""
    return OPTION_STYLES.get(path, {"color": COLOURS.get(path), "marker": MARKERS.get(path, "o")})


# One panel per library on the sweep figures, each path named at its line's end, briefly.
SHORT = {"book per-example (float64)": "loop f64", "scratch tuned float32": "tuned",
         "torch.compile float32": "compile", "keras XLA float32": "XLA",
         "keras steps_per_execution float32": "steps/call", "jax float32": "jit"}
LABEL_ROOM = 8  # the x axis runs this factor past the last point: room for the lines' names
LABEL_GAP = 0.1  # of the panel's height (log y): names closer than this are nudged apart
# The framework paths the ratio figure sets against the NumPy code, one row each.
RATIO_PATHS = {"torch float32": "PyTorch", "keras float32": "Keras", "jax float32": "JAX"}
# ... against both NumPy codes, side by side at each point: the book-faithful one (circles)
# and the tuned one (squares), each in that NumPy code's colour. The row names the framework;
# its colour would match nothing in the legend (JAX's is the grey of the reference lines).
RATIO_BASES = {"scratch float32": ("o", 1.0, "book-faithful NumPy"),
               "scratch tuned float32": ("s", 1.12, "tuned NumPy")}


def family(path: str) -> str:
    """The library a path trains with: its panel on the sweep figures."""
    return implementations.get(TIMED_PATHS[path].impl).library


def short(path: str) -> str:
    """A path's name inside its library's panel: "f32", "compile, f32"."""
    return SHORT.get(path, " ".join(path.split()[1:]).replace("float", "f"))


def sweep_figure(result: Result, sweep: str, value: str, label: str, ylabel: str,
                 scale: float = 1.0) -> Figure:
    """One panel per library (shared axes), one line per path with its interval (old
    records: min–max) as error bars, each path named in a legend inside its panel."""
    paths = [p for p in result.config.paths
             if any(r.timed == TIMED_PATHS[p] for r in result.ok_rows(sweep))]
    families = list(dict.fromkeys(family(p) for p in paths))
    columns = 2 if len(families) > 1 else 1
    rows_of_panels = math.ceil(len(families) / columns)
    figure = Figure(figsize=(4.8, 1.0 + 2.0 * rows_of_panels), layout="constrained")
    axes = figure.subplots(rows_of_panels, columns, sharex=True, sharey=True,
                           squeeze=False).ravel()
    ends = {name: [] for name in families}
    for ax, name in zip(axes, families):
        for path in (p for p in paths if family(p) == name):
            rows = sorted((r for r in result.ok_rows(sweep) if r.timed == TIMED_PATHS[path]),
                          key=lambda r: r.along(sweep))
            y = np.array([getattr(r, value) for r in rows]) / scale
            median = np.array([r.median_s for r in rows])  # throughput scales as 1 / time
            slow = np.array([r.slowest_s for r in rows])
            fast = np.array([r.fastest_s for r in rows])
            errors = np.clip([y - y * median / slow, y * median / fast - y], 0, None)
            ax.errorbar([r.along(sweep) for r in rows], y, yerr=errors, markersize=5, capsize=2,
                        **style(path))
            ends[name].append((rows[-1].along(sweep), y[-1], short(path), style(path)["color"]))
        ax.set_title(name)
    for ax in axes[len(families):]:
        ax.set_visible(False)
    points = sorted({r.along(sweep) for r in result.ok_rows(sweep)})
    axes[0].set(xscale="log", yscale="log")
    axes[0].set_xticks(sparse_ticks(points))
    axes[0].set_xlim(points[0] / 1.5, points[-1] * LABEL_ROOM)
    for ax, name in zip(axes, families):
        name_ends(ax, ends[name])
    figure.supxlabel(label)
    figure.supylabel(ylabel)
    return figure


def name_ends(ax, ends: list[tuple[float, float, str, str]]) -> None:
    """Each line named in its colour just right of its last point, instead of a legend that
    would cover the curves; from the top down, names that would touch are pushed apart
    downward, and none rises above the panel (log y)."""
    low, high = (math.log10(v) for v in ax.get_ylim())
    gap, placed = (high - low) * LABEL_GAP, [high + (high - low) * LABEL_GAP / 2]
    for x, y, name, colour in sorted(ends, key=lambda end: -end[1]):
        at = min(math.log10(y), placed[-1] - gap)
        placed.append(at)
        ax.annotate(name, (x, y), xytext=(x * 1.25, 10 ** at), color=colour, fontsize=11,
                    va="center", annotation_clip=False)


def sparse_ticks(points: list[float]) -> list[float]:
    """Few enough tick labels for a narrow panel: the first point and its multiples by ten
    (10, 100, 1000; 30, 300, 3000), or the two ends."""
    tens = [x for x in points if math.log10(x / points[0]) % 1 < 1e-9]
    return tens if len(tens) >= 2 else [points[0], points[-1]]


def width_figure(result: Result) -> Figure:
    """The width sweep, with the machine's matrix-multiply peaks as grey lines in every panel
    (dotted: float32, dashed: float64)."""
    figure = sweep_figure(result, "width", "gflops", "hidden neurons (mini-batch 100)",
                          "achieved GFLOP/s")
    peak = {dtype: g["peak"] for dtype, g in result.gemm_by_library.all_threads.items()}
    for ax in figure.axes:
        if ax.get_visible():
            for dtype, line in (("float32", ":"), ("float64", "--")):
                ax.axhline(peak[dtype], color=GREY, linestyle=line)
    return figure


def ratio_figure(result: Result) -> Figure:
    """Each framework's time over the NumPy code's at every point of both sweeps: one row per
    framework, one column per sweep, the band of differences under the minimum effect shaded."""
    frameworks = [p for p in RATIO_PATHS
                  if any(c.first == TIMED_PATHS[p] for c in result.comparisons)]
    figure = Figure(figsize=(4.8, 1.2 + 1.45 * len(frameworks)), layout="constrained")
    axes = figure.subplots(len(frameworks), 2, sharey=True, sharex="col", squeeze=False)
    for row, path in zip(axes, frameworks):
        for ax, sweep in zip(row, ("batch", "width")):
            for base, (marker, shift, _) in RATIO_BASES.items():
                found = sorted(result.compared(sweep, TIMED_PATHS[path], TIMED_PATHS[base]),
                               key=lambda c: c.along(sweep))
                ratio_panel(ax, [c.along(sweep) * shift for c in found], found, COLOURS[base],
                            [side_of(c) != UNCLEAR for c in found], MIN_EFFECT, marker)
            ax.set(xscale="log", yscale="log")  # labelled as plain numbers by render()
        row[0].set_ylabel(RATIO_PATHS[path])
    for ax, title in zip(axes[0], ("by mini-batch", "by width")):
        ax.set_title(title)
    for ax, sweep, label in zip(axes[-1], ("batch", "width"), ("mini-batch", "width")):
        ax.set_xlabel(label)
        points = sorted({c.along(sweep) for c in result.comparisons if c.sweep == sweep})
        ax.set_xticks(sparse_ticks(points))
        ax.set_xlim(points[0] / 1.5, points[-1] * 1.5)
    figure.supylabel("time ÷ NumPy's (below 1: faster)")
    bases = [b for b in RATIO_BASES
             if any(c.second == TIMED_PATHS[b] for c in result.comparisons)]
    if len(bases) > 1:  # say which NumPy code each marker is set against
        figure.legend(handles=[Line2D([], [], marker=RATIO_BASES[b][0], linestyle="",
                                      color=COLOURS[b], label=f"÷ {RATIO_BASES[b][2]}")
                               for b in bases],
                      loc="outside lower center", ncols=2, fontsize=12, handletextpad=0.2)
    return figure


def thread_figure(result: Result) -> Figure:
    """Seconds per epoch against the thread count, one panel per point of the sweep."""
    rows = result.ok_rows("threads")
    points = sorted({(r.batch_size, r.width) for r in rows})
    figure = Figure(figsize=(4.3, 3.6))
    axes = np.atleast_1d(figure.subplots(1, len(points), sharey=False))
    for ax, (batch_size, width) in zip(axes, points):
        for path in dict.fromkeys(r.path for r in rows):
            line = sorted((r for r in rows if (r.path, r.batch_size, r.width)
                           == (path, batch_size, width)), key=lambda r: r.threads)
            y = np.array([r.seconds_per_epoch for r in line])
            errors = [y - [r.epoch_low_s for r in line], [r.epoch_high_s for r in line] - y]
            ax.errorbar([r.threads for r in line], y, yerr=np.clip(errors, 0, None),
                        capsize=3, label=path, **style(path))
        ax.set(title=f"mini-batch {batch_size}, width {width}", xlabel="threads",
               yscale="log")
        ax.set_xticks(sorted({r.threads for r in rows}))
    axes[0].set_ylabel("seconds per 50k epoch")
    legend_below(axes[0])
    return figure


# The parts of a step's bar, bottom up: what each part is, and how it is drawn.
PARTS = {"products": ("matrix products", {"alpha": 1.0}),
         "denormals": ("subnormal floats", {"alpha": 0.7, "hatch": "//"}),
         "allocation": ("fresh arrays", {"alpha": 0.7, "hatch": ".."}),
         "rest": ("the rest", {"alpha": 0.35})}


def step_parts(split: Split) -> dict[str, float]:
    """A step's milliseconds by part (a saving measured below zero counts as none)."""
    inside = split.profiler_products_s
    parts = {"products": split.products_alone_s if inside is None else inside,
             **{name: max(saved.s, 0) for name, saved in (("denormals", split.denormals),
                                                          ("allocation", split.allocation))
                if saved is not None}}
    return {k: v * 1e3 for k, v in parts.items()} | {
        "rest": max(split.step_s * 1e3 - sum(parts.values()) * 1e3, 0)}


def gap_figure(result: Result) -> Figure:
    """Each library's step as a stacked bar (its matrix products, what flushing subnormal floats
    and updating in place saved, the rest), and the tuned NumPy step beside it, one panel per
    point (their scales differ by orders of magnitude)."""
    columns = min(2, len(result.gap))  # three bars and their names need half the width
    rows_of_panels = math.ceil(len(result.gap) / columns)
    figure = Figure(figsize=(4.8, 1.2 + 2.2 * rows_of_panels), layout="constrained")
    axes = figure.subplots(rows_of_panels, columns, squeeze=False).ravel()
    for ax in axes[len(result.gap):]:
        ax.set_visible(False)
    for ax, g in zip(axes, result.gap):
        bars = [("NumPy", "scratch float32", step_parts(g.numpy)),
                ("torch", "torch float32", step_parts(g.torch))]
        if g.numpy.tuned is not None:
            bars.insert(1, ("tuned", "scratch tuned float32", {"rest": g.numpy.tuned.s * 1e3}))
        for x, (_, path, parts) in enumerate(bars):
            bottom = 0.0
            for part, ms in parts.items():
                ax.bar(x, ms, bottom=bottom, color=COLOURS[path], edgecolor=COLOURS[path],
                       **PARTS[part][1])
                bottom += ms
        ax.set_xticks(range(len(bars)), [name for name, _, _ in bars], fontsize=11)
        ax.set_title(f"{g.batch_size} x {g.width}", fontsize=13)
    figure.supylabel("ms per step")
    figure.legend(handles=[Patch(facecolor=GREY, edgecolor=GREY, label=label, **style)
                           for label, style in PARTS.values()],
                  loc="outside lower center", ncols=2, fontsize=11, handlelength=1.2,
                  labelspacing=0.2, borderaxespad=0.2)
    return figure


def figures(result: Result) -> Iterator[tuple[str, Figure]]:
    if result.comparisons:
        yield "speed-ratios", ratio_figure(result)
    yield "speed-batch", sweep_figure(result, "batch", "examples_per_s", "mini-batch size",
                                      "thousand training examples per second", 1000)
    yield "speed-width", width_figure(result)
    if result.new_protocol and result.ok_rows("threads"):  # a GPU record has none
        yield "speed-threads", thread_figure(result)
        if result.gap:
            yield "speed-gap", gap_figure(result)
