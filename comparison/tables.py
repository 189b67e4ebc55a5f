"""Markdown tables and quotable numbers, made from stored results only.

The site's hook calls these; pages name them in placeholders such as
``<!-- result:table book.summary -->`` or ``<!-- result:value speed.scratch32_b10_epoch_s -->``.
"""

from __future__ import annotations

from collections.abc import Callable

EPOCH_EXAMPLES = 50_000
IMPL_NAMES = {"scratch": "from scratch (NumPy)", "torch": "PyTorch",
              "torch-paired": "PyTorch from scratch's initial weights",
              "keras": "Keras (TensorFlow)"}
SHORT_NAMES = {"scratch": "scratch", "torch": "PyTorch", "keras": "Keras"}


def keras_note(record: dict) -> str:
    """What the page says about the Keras rows of one result: there, or why not."""
    if "keras" in record["config"].get("implementations", []):
        return "Keras (TensorFlow) was measured in this run."
    return ("Keras (TensorFlow) was **not measured** in this run: its optional extra "
            "(`requirements-keras.txt`) was not installed.")


def _impls(record: dict) -> list[str]:
    return record["config"]["implementations"]


def markdown_table(header: list[str], rows: list[list], align: str = "") -> str:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [header, rule, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def book_settings(record: dict) -> str:
    """The book's runs as configured (the book's figures are inputs of the experiment)."""
    config = record["config"]
    rows = [[name, "-".join(map(str, [784, *s["hidden"], 10])), s["cost"],
             "N(0, 1)" if s["init"] == "large" else "N(0, 1/n_in)", s["eta"], s["lmbda"],
             config["batch_size"], f"{pct(s['book'])} ({s['book_split']})"]
            for name, s in config["settings"].items()]
    return markdown_table(["run", "network", "cost", "initial weights", "eta", "L2 lmbda",
                           "mini-batch", "book"], rows, "llllrrrr")


PAIR_TOLERANCE = 0.005  # "the same outcome": best accuracies within half a point


def book_per_seed(record: dict) -> str:
    """Each seed's best accuracy where the paired control ran, implementation by implementation."""
    paired = record["config"]["paired"]
    if not paired:
        return "*The paired control runs in the full profile only.*"
    lines = []
    for setting in paired:
        rows = {r["impl"]: r for r in record["rows"]
                if (r["dataset"], r["setting"]) == ("mnist", setting)}
        seeds = record["provenance"]["seeds"]
        table = [[seed, *(pct(rows[impl]["per_seed_best"][i]) for impl in rows)]
                 for i, seed in enumerate(seeds)]
        lines.append(markdown_table(["seed", *(IMPL_NAMES[impl] for impl in rows)], table))
    return "\n\n".join(lines)


def _paired_matches(record: dict) -> tuple[int, int]:
    rows = {(r["setting"], r["impl"]): r for r in record["rows"] if r["dataset"] == "mnist"}
    matches = total = 0
    for setting in record["config"]["paired"]:
        for a, b in zip(rows[setting, "scratch"]["per_seed_best"],
                        rows[setting, "torch-paired"]["per_seed_best"]):
            matches += abs(a - b) <= PAIR_TOLERANCE
            total += 1
    return matches, total


def book_summary(record: dict) -> str:
    seeds = record["config"]["seeds"]
    rows = [[r["dataset"], r["setting"], IMPL_NAMES[r["impl"]], r["split"], pct(r["book"]),
             pct(r["best_of_3"]),
             "—" if r["gap_to_book_pp"] is None else f"{r['gap_to_book_pp']:+.2f}",
             f"{pct(r['mean_best'])} ({pct(r['min_best'])}–{pct(r['max_best'])})",
             f"{r['stalled']} of {r['seeds']}", f"{r['seconds_per_epoch']:.2f}"]
            for r in record["rows"]]
    return markdown_table(["dataset", "run", "implementation", "split", "book",
                           "best of first 3 seeds (book's statistic)", "gap to book (pp)",
                           f"mean best of {seeds} (min–max)", "stalled runs", "s/epoch"],
                          rows, "lllllrrrrr")


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


def code_roles(record: dict) -> str:
    impls = list(record["totals"])
    rows = [[r["role"], *(r[f"{impl}_lines"] for impl in impls)] for r in record["rows"]]
    rows.append(["**total**", *(f"**{record['totals'][impl]}**" for impl in impls)])
    return markdown_table(["job", *(f"lines, {IMPL_NAMES[impl]}" for impl in impls)], rows)


def equivalence_settings(record: dict) -> str:
    others = record["config"]["others"]
    rows = [[r["setting"], r["dtype"], *(f"{r[f'{o}_max_abs_difference']:.1e}" for o in others),
             f"{r['max_abs_change_in_training']:.2f}"] for r in record["rows"]]
    return markdown_table(["setting", "dtype", *(f"largest difference, {SHORT_NAMES[o]} vs "
                                                 "scratch" for o in others),
                           "largest change made by training"], rows, "ll" + "r" * (len(others) + 1))


def equivalence_quotes(record: dict) -> dict[str, str]:
    config, worst = record["config"], record["worst"]
    keras = worst.get("keras")
    return {"worst_float64": f"{worst['torch']['float64']:.1e}",
            "worst_float32": f"{worst['torch']['float32']:.1e}",
            "keras_worst_float64": f"{keras['float64']:.1e}" if keras else "not measured",
            "keras_worst_float32": f"{keras['float32']:.1e}" if keras else "not measured",
            "keras_note": keras_note(record),
            "examples": f"{config['examples']:,}", "epochs": str(config["epochs"])}


def scalability_runs(record: dict) -> str:
    rows = [[r["batch_size"], r["processes"], f"{r['median_epoch_s']:.3f}", f"{r['speedup']:.2f}x",
             pct(r["test_accuracy"]), f"{r['replica_max_difference']:.1e}"]
            for r in record["rows"]]
    return markdown_table(["global mini-batch", "processes", "s per epoch (median)",
                           "speed-up over 1 process", "test accuracy",
                           "largest difference between replicas"], rows)


def scalability_quotes(record: dict) -> dict[str, str]:
    config = record["config"]
    return {"cores": str(record["cores"]), "epochs": str(config["epochs"]),
            "examples": f"{config['train_size']:,}",
            "speedup_small": f"{record['speedup'][str(config['batch_sizes'][0])]:.2f}",
            "speedup_large": f"{record['speedup'][str(config['batch_sizes'][-1])]:.2f}",
            "small_batch": str(config["batch_sizes"][0]),
            "large_batch": str(config["batch_sizes"][-1]),
            "one_vs_two": f"{record['one_vs_two_max_difference']:.1e}",
            "replicas": f"{record['replica_max_difference']:.1e}"}


def _accuracy(row: dict) -> str:
    if row["seeds"] == 1:
        return pct(row["test_accuracy"])
    return (f"{pct(row['test_accuracy'])} ({100 * row['min_test_accuracy']:.2f}–"
            f"{100 * row['max_test_accuracy']:.2f})")


def flexibility_variants(record: dict) -> str:
    rows = []
    for name, variant in record["config"]["variants"].items():
        for impl in _impls(record):
            r = find_row(record, variant=name, impl=impl)
            rows.append([variant["title"], IMPL_NAMES[impl], r["lines_touched"],
                         r["derivative_lines"], _accuracy(r), f"{r['seconds_per_epoch']:.2f}"])
    return markdown_table(["variant", "implementation", "lines added or changed",
                           "of them, gradient lines by hand", "test accuracy", "s/epoch"],
                          rows, "llrrrr")


def flexibility_settings(record: dict) -> str:
    base = record["config"]["base"]
    rows = []
    for variant in record["config"]["variants"].values():
        setting = base | variant["settings"]
        tested = "yes" if variant["deterministic"] else "no (each draws its own dropout masks)"
        rows.append([variant["title"], ", ".join(map(str, setting["hidden"])), setting["eta"],
                     tested])
    return markdown_table(["variant", "hidden neurons", "eta", "same parameters in both "
                           "(equivalence test)"], rows, "llrl")


def flexibility_quotes(record: dict) -> dict[str, str]:
    config, rows = record["config"], record["rows"]
    changed = [r for r in rows if r["variant"] != "baseline"]
    impls = _impls(record)
    total = {impl: sum(r["lines_touched"] for r in changed if r["impl"] == impl)
             for impl in impls}
    derivative = {impl: sum(r["derivative_lines"] for r in changed if r["impl"] == impl)
                  for impl in impls}
    with_derivative = sum(r["hand_written_derivative"] for r in changed if r["impl"] == "scratch")
    base = config["base"]
    keras = "keras" in impls
    return {"variants": str(len(config["variants"]) - 1),
            "scratch_lines": str(total["scratch"]), "torch_lines": str(total["torch"]),
            "keras_lines": str(total["keras"]) if keras else "not measured",
            "scratch_derivative": str(derivative["scratch"]),
            "torch_derivative": str(derivative["torch"]),
            "with_derivative": str(with_derivative), "keras_note": keras_note(record),
            "epochs": str(config["epochs"]), "seeds": str(config["seeds"]),
            "examples": f"{config['train_size'] or EPOCH_EXAMPLES:,}",
            "base_network": "-".join(map(str, [784, *base["hidden"], 10])),
            "base_eta": str(base["eta"]), "base_lmbda": str(base["lmbda"]),
            "batch_size": str(base["batch_size"]), "dtype": base["dtype"],
            **{f"{variant}_{impl}_s": _epoch_seconds(record, variant, impl)
               for variant in ("baseline", "conv") for impl in ("scratch", "torch", "keras")}}


def _epoch_seconds(record: dict, variant: str, impl: str) -> str:
    if impl not in _impls(record):
        return "not measured"
    return f"{find_row(record, variant=variant, impl=impl)['seconds_per_epoch']:.2f}"


def tooling_code(record: dict) -> str:
    tasks = dict.fromkeys(r["task"] for r in record["rows"])
    impls = _impls(record)
    rows = [[task, *(find_row(record, task=task, impl=impl)["lines"] for impl in impls)]
            for task in tasks]
    return markdown_table(["task", *(f"lines, {IMPL_NAMES[impl]}" for impl in impls)], rows)


def tooling_boards(record: dict) -> str:
    rows = [[IMPL_NAMES[impl], len(b["scalar_tags"]), b["histograms"], b["graph_nodes"] or "none",
             f"{b['scalar_max_difference']:.1e}", f"{b['event_file_bytes'] / 1024:,.0f} KiB"]
            for impl, b in record["tensorboard"].items()]
    return markdown_table(["logged by", "curves", "histograms", "graph nodes",
                           "largest difference, read back vs logged", "event files"], rows)


def tooling_exports(record: dict) -> str:
    formats = {"scratch": "the network's JSON (`Network.save`)",
               "torch": "`torch.export` program (`.pt2`)",
               "keras": "TensorFlow SavedModel (`model.export`)"}
    rows = [[IMPL_NAMES[impl], formats[impl], f"{e['file_bytes'] / 1024:,.0f} KiB",
             f"{e['seconds']:.3f}", pct(e["predictions_agree"]),
             f"{e['max_output_difference']:.1e}"]
            for impl, e in record["exports"].items()]
    return markdown_table(["implementation", "saved as", "file size", "s to save and load",
                           "test predictions unchanged", "largest output difference"], rows,
                          "llrrrr")


def tooling_quotes(record: dict) -> dict[str, str]:
    board = record["tensorboard"]["torch"]
    keras = record["tensorboard"].get("keras")
    return {"scalar_tags": str(len(board["scalar_tags"])),
            "histograms": str(board["histograms"]), "graph_nodes": str(board["graph_nodes"]),
            "scalar_difference": f"{board['scalar_max_difference']:.1e}",
            "event_kib": f"{board['event_file_bytes'] / 1024:,.0f}",
            "keras_histograms": str(keras["histograms"]) if keras else "not measured",
            "keras_scalar_difference": (f"{keras['scalar_max_difference']:.1e}" if keras
                                        else "not measured"),
            "keras_note": keras_note(record),
            "epochs": str(record["config"]["epochs"]),
            "examples": f"{record['exports']['torch']['examples']:,}"}


def find_row(record: dict, **match) -> dict:
    """The first row of a result whose fields equal ``match``."""
    return next(r for r in record["rows"] if all(r.get(k) == v for k, v in match.items()))


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


def gpu_speedups(record: dict) -> list[dict]:
    """At every point timed on the GPU, the fastest CPU path there and the GPU's speed-up."""
    ok = [r for r in record["rows"] if r["status"] == "ok" and r["sweep"] in ("batch", "width")]
    found = []
    for gpu in (r for r in ok if "CUDA" in r["path"]):
        cpu = [r for r in ok if "CUDA" not in r["path"] and r["sweep"] == gpu["sweep"]
               and (r["batch_size"], r["width"]) == (gpu["batch_size"], gpu["width"])]
        if cpu:
            fastest = min(cpu, key=lambda r: r["seconds_per_epoch"])
            found.append({"sweep": gpu["sweep"], "batch_size": gpu["batch_size"],
                          "width": gpu["width"], "cpu_path": fastest["path"],
                          "cpu_s": fastest["seconds_per_epoch"], "gpu": gpu,
                          "speedup": fastest["seconds_per_epoch"] / gpu["seconds_per_epoch"]})
    return found


def _point(found: dict) -> str:
    if found["sweep"] == "batch":
        return f"mini-batch {found['batch_size']}, width {found['width']}"
    return f"width {found['width']}, mini-batch {found['batch_size']}"


def gpu_table(record: dict) -> str:
    rows = []
    for f in gpu_speedups(record):
        g = f["gpu"]
        per_epoch = g["seconds_per_epoch"] / g["median_s"]
        rows.append([_point(f), f["cpu_path"], f"{f['cpu_s']:.3f}",
                     f"{g['seconds_per_epoch']:.3f} ({g['min_s'] * per_epoch:.3f}–"
                     f"{g['max_s'] * per_epoch:.3f})",
                     f"**{f['speedup']:.2f}x**" if f["speedup"] > 1 else f"{f['speedup']:.2f}x"])
    return markdown_table(["point", "fastest CPU path there", "its s per epoch",
                           "GPU s per epoch: median (min–max)", "GPU speed-up"], rows, "llrrr")


def _gpu_ahead_from(found: list[dict], sweep: str, key: str) -> int | None:
    points = sorted(f[key] for f in found if f["sweep"] == sweep)
    return ahead_from(points, [f[key] for f in found if f["sweep"] == sweep and f["speedup"] > 1])


def gpu_quotes(record: dict) -> dict[str, str]:
    found = gpu_speedups(record)
    best, worst = max(found, key=lambda f: f["speedup"]), min(found, key=lambda f: f["speedup"])
    p = record["provenance"]
    batch = _gpu_ahead_from(found, "batch", "batch_size")
    width = _gpu_ahead_from(found, "width", "width")
    step = worst["gpu"]["median_s"] / worst["gpu"]["examples"] * worst["batch_size"]
    return {
        "gpu": record["config"]["gpu"], "torch": p["torch"], "date": p["date_utc"][:10],
        "cpu": f"{p['cpu']} with {p['logical_cpus']} logical CPUs",
        "faster_at": f"{sum(f['speedup'] > 1 for f in found)} of {len(found)}",
        "ahead_from_batch": f"from mini-batch {batch}" if batch else "at no mini-batch measured",
        "ahead_from_width": f"from width {width}" if width else "at no width measured",
        "best": f"{best['speedup']:.1f}x at {_point(best)}",
        "worst": f"{1 / worst['speedup']:.1f}x slower at {_point(worst)}",
        "worst_step_ms": f"{step * 1e3:.2f}",
    }


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


def book_quotes(record: dict) -> dict[str, str]:
    mnist = [r for r in record["rows"] if r["dataset"] == "mnist"]
    stalled = sum(r["stalled"] for r in record["rows"] if r["impl"] != "torch-paired")
    runs = sum(r["seeds"] for r in record["rows"] if r["impl"] != "torch-paired")
    return {
        "seeds": str(record["config"]["seeds"]), "epochs": str(record["config"]["epochs"]),
        "largest_gap_pp": f"{record['summary']['largest_gap_pp']:.2f}",
        "datasets": ", ".join(record["config"]["datasets"]),
        "stalled": f"{stalled} of {runs}",
        "paired_matches": "{} of {}".format(*_paired_matches(record)),
        "keras_note": keras_note(record),
        "keras_largest_gap_pp": _keras_gap(mnist),
    } | {f"{r['setting']}_{r['impl']}_best": pct(r["best_of_3"]) for r in mnist}


def _keras_gap(mnist_rows: list[dict]) -> str:
    gaps = [abs(r["gap_to_book_pp"]) for r in mnist_rows if r["impl"] == "keras"]
    return f"{max(gaps):.2f}" if gaps else "not measured"


def code_quotes(record: dict) -> dict[str, str]:
    return {"scratch_total": str(record["totals"]["scratch"]),
            "torch_total": str(record["totals"]["torch"]),
            "ratio": f"{record['ratio']:.1f}",
            "scratch_derivative": str(record["hand_written_derivative_lines"]["scratch"]),
            "torch_derivative": str(record["hand_written_derivative_lines"]["torch"]),
            "keras_total": str(record["totals"]["keras"]),
            "keras_ratio": f"{record['totals']['scratch'] / record['totals']['keras']:.1f}"}


TABLES: dict[str, tuple[str, Callable[[dict], str]]] = {
    "book.summary": ("book", book_summary),
    "book.settings": ("book", book_settings),
    "book.per_seed": ("book", book_per_seed),
    "speed.batch": ("speed", lambda r: speed_sweep(r, "batch", "batch_size")),
    "speed.width": ("speed", lambda r: speed_sweep(r, "width", "width")),
    "speed.threads": ("speed", speed_threads),
    "speed.resources": ("speed", speed_resources),
    "speed.peak": ("speed", speed_peak),
    "speed-gpu.speedups": ("speed-gpu", gpu_table),
    "code.roles": ("code", code_roles),
    "equivalence.settings": ("equivalence", equivalence_settings),
    "scalability.runs": ("scalability", scalability_runs),
    "flexibility.variants": ("flexibility", flexibility_variants),
    "flexibility.settings": ("flexibility", flexibility_settings),
    "tooling.code": ("tooling", tooling_code),
    "tooling.boards": ("tooling", tooling_boards),
    "tooling.exports": ("tooling", tooling_exports),
}
QUOTES: dict[str, Callable[[dict], dict[str, str]]] = {
    "book": book_quotes, "speed": speed_quotes, "speed-gpu": gpu_quotes, "code": code_quotes,
    "equivalence": equivalence_quotes, "scalability": scalability_quotes,
    "flexibility": flexibility_quotes, "tooling": tooling_quotes,
}
