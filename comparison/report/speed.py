"""The performance page: both sweeps, threads, resources, the GEMM yardstick, crossovers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison.report.figures import COLOURS, MARKERS, legend_below, new_figure, no_minor_labels
from comparison.report.markdown import (
    EPOCH_EXAMPLES,
    IMPL_NAMES,
    find_row,
    keras_note,
    markdown_table,
)


def speed_sweep(record: dict, sweep: str, key: str) -> str:
    rows = []
    for r in record["rows"]:
        if r["sweep"] != sweep:
            continue
        if r["status"] != "ok":
            rows.append([r["path"], r[key], r["status"], "", "", ""])
            continue
        per_epoch = r["seconds_per_epoch"] / r["median_s"]  # seconds measured -> per epoch
        rows.append([r["path"], r[key],
                     f"{r['seconds_per_epoch']:.3f} ({r['min_s'] * per_epoch:.3f}–"
                     f"{r['max_s'] * per_epoch:.3f})",
                     f"{r['examples_per_s']:,.0f}", f"{r['gflops']:.1f}",
                     f"{100 * r['fraction_of_peak']:.1f}%"])
    label = "mini-batch" if key == "batch_size" else "hidden neurons"
    return markdown_table(["path", label, "s per 50k epoch: median (min–max)", "examples/s",
                           "GFLOP/s", "of GEMM peak"], rows, "lrrrrr")


def speed_threads(record: dict) -> str:
    rows = []
    for r in record["rows"]:
        if r["sweep"] == "threads" and r["status"] == "ok":
            all_threads = next(a for a in record["rows"] if a["sweep"] == "batch"
                               and (a["path"], a["batch_size"]) == (r["path"], r["batch_size"]))
            rows.append([r["path"], r["batch_size"], f"{r['examples_per_s']:,.0f}",
                         f"{all_threads['examples_per_s']:,.0f}",
                         f"{all_threads['examples_per_s'] / r['examples_per_s']:.2f}x"])
    return markdown_table(["path", "mini-batch", "examples/s, 1 thread", "examples/s, all threads",
                           "speed-up"], rows)


def speed_resources(record: dict) -> str:
    rows = [[IMPL_NAMES[impl], f"{record['imports'][impl]:.2f}",
             f"{m['after_import_mb']:.0f}", f"{m['peak_mb']:.0f}", f"{m['training_mb']:.0f}"]
            for impl, m in record["memory"].items()]
    return markdown_table(["implementation", "import time (s)", "memory after import (MB)",
                           "peak memory (MB)", "added by training (MB)"], rows)


def speed_peak(record: dict) -> str:
    gemm = record["gemm_by_library"]
    rows = [[dtype, library, f"{gemm['all_threads'][dtype][library]:.1f}",
             f"{gemm['one_thread'][dtype][library]:.1f}"]
            for dtype in ("float32", "float64") for library in ("numpy", "torch")]
    return markdown_table(["dtype", "library", "GFLOP/s, all threads", "GFLOP/s, 1 thread"],
                          rows, "llrr")


def speed_quotes(record: dict) -> dict[str, str]:
    def epoch(path: str, batch: int) -> dict:
        return find_row(record, sweep="batch", path=path, batch_size=batch)

    def ratio(batch: int) -> float:
        return (epoch("torch float32", batch)["seconds_per_epoch"]
                / epoch("scratch float32", batch)["seconds_per_epoch"])

    small, large = record["config"]["batch_sizes"][0], record["config"]["batch_sizes"][-1]
    s32, t32 = epoch("scratch float32", small), epoch("torch float32", small)
    book = epoch("book per-example (float64)", small)
    s64 = epoch("scratch float64", small)
    cross = record["crossovers"]
    compiled = [r for r in record["rows"] if r["path"] == "torch.compile float32"
                and r["status"] == "ok"]
    steps = EPOCH_EXAMPLES / small  # mini-batches in one epoch
    widest = record["config"]["widths"][-1]
    gemm = record["gemm_by_library"]["all_threads"]["float32"]

    def wide(path: str) -> dict:
        return find_row(record, sweep="width", path=path, width=widest)

    return {
        "small_batch": str(small), "large_batch": str(large),
        "scratch_step_us": f"{s32['seconds_per_epoch'] / steps * 1e6:.0f}",
        "torch_step_us": f"{t32['seconds_per_epoch'] / steps * 1e6:.0f}",
        "scratch32_b10_epoch_s": f"{s32['seconds_per_epoch']:.2f}",
        "torch32_b10_epoch_s": f"{t32['seconds_per_epoch']:.2f}",
        "book_b10_epoch_s": f"{book['seconds_per_epoch']:.2f}",
        "matrix_speedup_f32": f"{book['seconds_per_epoch'] / s32['seconds_per_epoch']:.1f}",
        "matrix_speedup_f64": f"{book['seconds_per_epoch'] / s64['seconds_per_epoch']:.1f}",
        "torch_vs_scratch_b10": f"{ratio(small):.1f}",
        "torch_vs_scratch_large": f"{ratio(large):.2f}",
        "batch_crossover_f32": _crossover_text(cross["batch_float32"], "mini-batch"),
        "batch_crossover_f64": _crossover_text(cross["batch_float64"], "mini-batch"),
        "width_crossover_f32": _crossover_text(cross["width_float32"], "width"),
        "width_crossover_f64": _crossover_text(cross["width_float64"], "width"),
        "compile_first_batch_s": (f"{max(r['first_batch_seconds'] for r in compiled):.1f}"
                                  if compiled else "n/a"),
        "gpu": record["config"]["gpu"] or "none: no GPU was available to this run",
        "peak_f32": f"{record['gemm_by_library']['all_threads']['float32']['peak']:.0f}",
        "gemm_numpy_f32": f"{gemm['numpy']:.0f}", "gemm_torch_f32": f"{gemm['torch']:.0f}",
        "widest": str(widest),
        "gemm_torch_vs_numpy_pct": f"{100 * gemm['torch'] / gemm['numpy']:.0f}",
        "step_torch_vs_numpy_widest_pct": (
            f"{100 * wide('torch float32')['gflops'] / wide('scratch float32')['gflops']:.0f}"),
        "scratch32_widest_peak_pct": f"{100 * wide('scratch float32')['fraction_of_peak']:.0f}",
        "torch32_widest_peak_pct": f"{100 * wide('torch float32')['fraction_of_peak']:.0f}",
        "peak_f64": f"{record['gemm_by_library']['all_threads']['float64']['peak']:.0f}",
        "malloc": record["malloc"],
        "keras_note": keras_note(record),
        **_keras_speed(record, small, large),
    }


def _keras_speed(record: dict, small: int, large: int) -> dict[str, str]:
    """Keras's seconds per epoch and its ratio to the other two, at both ends of the sweep."""
    if "keras float32" not in record["config"]["paths"]:
        return dict.fromkeys(("keras32_b10_epoch_s", "keras_vs_scratch_b10", "keras_vs_torch_b10",
                              "keras_vs_scratch_large", "keras_batch_crossover_f32",
                              "keras_width_crossover_f32", "keras_vs_scratch_widest",
                              "keras_widest_spread"),
                             "not measured")

    def epoch(path: str, batch: int) -> float:
        return find_row(record, sweep="batch", path=path, batch_size=batch)["seconds_per_epoch"]

    keras, keras_large = epoch("keras float32", small), epoch("keras float32", large)
    widest = record["config"]["widths"][-1]
    rows = {path: find_row(record, sweep="width", path=path, width=widest)
            for path in ("keras float32", "scratch float32")}
    wide = {path: r["seconds_per_epoch"] for path, r in rows.items()}

    def spread(path: str) -> str:  # min-max of the repeats, in seconds per epoch
        per_epoch = wide[path] / rows[path]["median_s"]
        return f"{rows[path]['min_s'] * per_epoch:.2f}–{rows[path]['max_s'] * per_epoch:.2f} s"

    return {"keras32_b10_epoch_s": f"{keras:.2f}",
            "keras_batch_crossover_f32": _crossover_text(
                keras_crossover(record, "batch", "batch_size"), "mini-batch", "Keras"),
            "keras_width_crossover_f32": _crossover_text(
                keras_crossover(record, "width", "width"), "width", "Keras"),
            "keras_vs_scratch_widest": f"{wide['keras float32'] / wide['scratch float32']:.2f}",
            "keras_widest_spread": (f"{spread('keras float32')} for Keras and "
                                    f"{spread('scratch float32')} for the NumPy code"),
            "keras_vs_scratch_b10": f"{keras / epoch('scratch float32', small):.1f}",
            "keras_vs_torch_b10": f"{keras / epoch('torch float32', small):.1f}",
            "keras_vs_scratch_large": f"{keras_large / epoch('scratch float32', large):.2f}"}


def _crossover_text(found: dict, label: str, who: str = "PyTorch") -> str:
    points = found["points"]
    if found["torch_ahead_from"] is None:
        if found["torch_faster_at"]:
            return (f"{who} is faster only at {label} "
                    + ", ".join(map(str, found["torch_faster_at"])) + ", not consistently")
        return f"none: {who} is slower at every {label} measured ({points[0]}–{points[-1]})"
    if found["torch_ahead_from"] == points[0]:
        return f"none: {who} is faster at every {label} measured"
    return f"{who} is faster from {label} {found['torch_ahead_from']} upward"


def keras_crossover(record: dict, sweep: str, key: str) -> dict:
    """As the experiment's ``crossovers`` for PyTorch, for Keras (float32) against scratch:
    the points where it is faster, and the first from which it stays ahead."""
    speed = {(r["path"], r[key]): r["examples_per_s"] for r in record["rows"]
             if r["sweep"] == sweep and r["status"] == "ok"}
    points = sorted(k for p, k in speed if p == "keras float32")
    faster = [k for k in points if speed["keras float32", k] > speed["scratch float32", k]]
    return {"torch_faster_at": faster, "torch_ahead_from": ahead_from(points, faster),
            "points": points}


def ahead_from(points: list, faster: list):
    """The first point from which one path is faster at every larger point (None: never)."""
    return next((k for k in points if all(p in faster for p in points if p >= k)), None)


def sweep_figure(record: dict, sweep: str, key: str, label: str, value: str,
                 ylabel: str) -> Figure:
    figure, ax = new_figure(6.4, 4.4)
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
        ax.errorbar(x, y, yerr=np.clip([y - low, high - y], 0, None),
                    marker=MARKERS.get(path, "o"), markersize=6, capsize=3,
                    color=COLOURS.get(path), label=path)
    ax.set(xscale="log", yscale="log", xlabel=label, ylabel=ylabel)
    ax.set_xticks(sorted({r[key] for r in record["rows"] if r["sweep"] == sweep}))
    ax.xaxis.set_major_formatter("{x:g}")
    no_minor_labels(ax)
    legend_below(ax)
    return figure


def figures(record: dict) -> Iterator[tuple[str, Figure]]:
    yield "speed-batch", sweep_figure(record, "batch", "batch_size", "mini-batch size",
                                      "examples_per_s", "training examples per second")
    figure = sweep_figure(record, "width", "width", "hidden neurons (mini-batch 100)",
                          "gflops", "achieved GFLOP/s")
    peak = {dtype: g["peak"] for dtype, g in record["gemm_by_library"]["all_threads"].items()}
    for dtype, style in (("float32", ":"), ("float64", "--")):
        figure.axes[0].axhline(peak[dtype], color="#999999", linestyle=style,
                               label=f"GEMM peak {dtype}: {peak[dtype]:.0f} GFLOP/s")
    legend_below(figure.axes[0])
    yield "speed-width", figure
    yield "speed-threads", thread_bars(record)


def thread_bars(record: dict) -> Figure:
    rows = [r for r in record["rows"] if r["status"] == "ok" and r["width"] == 30
            and r["batch_size"] in record["config"]["thread_batch_sizes"]
            and r["sweep"] in ("batch", "threads") and "compile" not in r["path"]
            and "CUDA" not in r["path"]]
    paths = list(dict.fromkeys(r["path"] for r in rows))
    sizes = record["config"]["thread_batch_sizes"]
    figure = Figure(figsize=(6.4, 4.4))
    axes = figure.subplots(1, len(sizes), sharey=True)
    for ax, size in zip(np.atleast_1d(axes), sizes):
        for i, path in enumerate(paths):
            for offset, threads in ((-0.2, 1), (0.2, "all")):
                match = [r for r in rows if (r["path"], r["batch_size"], r["threads"])
                         == (path, size, threads)]
                if match:
                    ax.bar(i + offset, match[0]["examples_per_s"], width=0.4,
                           color=COLOURS.get(path), alpha=0.5 if threads == 1 else 1.0)
        ax.set_xticks(range(len(paths)), [p.replace(" (float64)", "") for p in paths],
                      rotation=60, ha="right")
        ax.set_title(f"mini-batch {size}")
        ax.set_yscale("log")
    np.atleast_1d(axes)[0].set_ylabel("examples per second\n(pale: 1 thread, solid: all)")
    return figure


STATISTIC = "median of {repeats} timed repeats (after one warm-up batch), with min and max"
TABLES = {"batch": lambda r: speed_sweep(r, "batch", "batch_size"),
          "width": lambda r: speed_sweep(r, "width", "width"),
          "threads": speed_threads, "resources": speed_resources, "peak": speed_peak}
quotes = speed_quotes
