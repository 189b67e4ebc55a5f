"""The performance page: both sweeps with intervals, the paired comparisons and crossovers, the
noise floor and the machine's load, threads, Keras's options, the conv variant, where the CPU
gap comes from (the products at the step's shapes), the yardstick, start-up.

Every finding is decided by ``experiments/timing.py``'s rule (a paired ratio's interval below
1, above 1, or neither: tied within noise); this module only words and formats it. A record
from the old protocol (the committed GPU record) has medians with min and max and no
comparisons: it still renders, and says so.

Longer than the project's usual 300 lines because the performance page is the longest page:
one presenter per page keeps every sentence it injects in one file. Splitting it by section
(sweeps, threads, options, products) is the next step when it grows.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison.experiments import machine, timing
from comparison.report.figures import (
    COLOURS,
    GREEN,
    MARKERS,
    legend_below,
    new_figure,
    no_minor_labels,
)
from comparison.report.markdown import (
    EPOCH_EXAMPLES,
    IMPL_NAMES,
    keras_note,
    markdown_table,
    plural,
    text,
)

# Keras's built-in options: Keras's colour, each with a marker and a line style of its own.
OPTION_STYLES = {"keras XLA float32": {"color": GREEN, "marker": "X", "linestyle": "--"},
                 "keras steps_per_execution float32": {"color": GREEN, "marker": "h",
                                                       "linestyle": ":"}}
OLD_PROTOCOL = "recorded with the old protocol: no intervals, no noise floor, no load record"
LABELS = {"batch": "mini-batch", "width": "width", "conv": "mini-batch"}
KEYS = {"batch": "batch_size", "width": "width", "conv": "batch_size"}
NUMPY_TIME, NUMPY_STEP = "the NumPy code's time", "the NumPy step's time"
PYTORCH_TIME = "PyTorch's"
OUTCOME_WORDS = {timing.FASTER: "faster", timing.SLOWER: "slower",
                 timing.TIED: "tied within noise"}


def new_protocol(record: dict) -> bool:
    return "comparisons" in record


def ok_rows(record: dict, sweep: str) -> list[dict]:
    return [r for r in record["rows"] if r["sweep"] == sweep and r["status"] == "ok"]


def find(record: dict, sweep: str, a: str, b: str, **point) -> dict | None:
    """The comparison of ``a`` with ``b`` on ``sweep`` at ``point``, if it was made."""
    return next((c for c in record.get("comparisons", []) if (c["sweep"], c["a"], c["b"])
                 == (sweep, a, b) and all(c[k] == v for k, v in point.items())), None)


def ratio_text(c: dict) -> str:
    """A paired ratio with its interval: "1.35x [1.28–1.41]"."""
    return f"{c['ratio']:.2f}x [{c['low']:.2f}–{c['high']:.2f}]"


def verdict_text(c: dict | None) -> str:
    return "—" if c is None else f"{ratio_text(c)}, {OUTCOME_WORDS[c['outcome']]}"


def takes(c: dict | None, whose: str) -> str:
    """A ratio in a sentence: "1.35x [1.28–1.41] the NumPy code's time (slower)"."""
    if c is None:
        return f"an unmeasured share of {whose}"
    return f"{ratio_text(c)} {whose} ({OUTCOME_WORDS[c['outcome']]})"


def epoch_text(r: dict) -> str:
    """Seconds per 50,000-example epoch with its interval (old records: min–max)."""
    if "epoch_low_s" in r:
        return f"{r['seconds_per_epoch']:.3f} [{r['epoch_low_s']:.3f}–{r['epoch_high_s']:.3f}]"
    scale = r["seconds_per_epoch"] / r["median_s"]
    return (f"{r['seconds_per_epoch']:.3f} (min–max {r['min_s'] * scale:.3f}–"
            f"{r['max_s'] * scale:.3f})")


def baseline_of(path: str) -> str:
    """What a path is compared with in the sweep tables: the scratch code in its dtype."""
    return "scratch float64" if "float64" in path else "scratch float32"


def speed_sweep(record: dict, sweep: str) -> str:
    key = KEYS[sweep]
    rows = []
    for r in (r for r in record["rows"] if r["sweep"] == sweep):
        if r["status"] != "ok":
            rows.append([text(r["path"]), r[key], text(r["status"]), "", "", "", ""])
            continue
        peak = f"{100 * r['fraction_of_peak']:.1f}%" if "fraction_of_peak" in r else "—"
        gflops = f"{r['gflops']:.1f}" if r.get("gflops") else "—"
        versus = find(record, sweep, r["path"], baseline_of(r["path"]),
                      batch_size=r["batch_size"], width=r["width"])
        rows.append([text(r["path"]), r[key], epoch_text(r), f"{r['examples_per_s']:,.0f}",
                     gflops, peak, verdict_text(versus)])
    label = "mini-batch" if key == "batch_size" else "hidden neurons"
    return markdown_table(["path", label, "s per 50k epoch: median [95% interval]",
                           "examples/s", "GFLOP/s", "of GEMM peak",
                           "time ÷ scratch (same dtype) [95% interval]"], rows, "lrrrrrl")


def speed_comparisons(record: dict) -> str:
    """Every crossover: at which points a is faster, slower, tied, and from where it leads."""
    if not new_protocol(record):
        return OLD_PROTOCOL
    rows = []
    for name, found in record["crossovers"].items():
        sweep, a, b = name.split(":")
        tied = [p for p in found["points"] if p not in found["faster_at"] + found["slower_at"]]
        rows.append([sweep, text(a), text(b), _points(found["faster_at"]),
                     _points(found["slower_at"]), _points(tied),
                     "—" if found["ahead_from"] is None else found["ahead_from"]])
    return markdown_table(["sweep", "a", "b", "a faster at", "a slower at", "tied within noise",
                           "a ahead from"], rows, "lllllll")


def _points(points: list) -> str:
    return ", ".join(map(str, points)) or "—"


def speed_threads(record: dict) -> str:
    if not new_protocol(record):
        return OLD_PROTOCOL
    rows = []
    for r in sorted(ok_rows(record, "threads"),
                    key=lambda r: (r["path"], r["batch_size"], r["width"], r["threads"])):
        versus = next((t for t in record["threads"] if (t["path"], t["batch_size"], t["width"],
                                                        t["threads"])
                       == (r["path"], r["batch_size"], r["width"], r["threads"])), None)
        rows.append([text(r["path"]), r["batch_size"], r["width"], r["threads"], epoch_text(r),
                     "1 (the reference)" if r["threads"] == 1 else verdict_text(versus)])
    return markdown_table(["path", "mini-batch", "width", "threads",
                           "s per 50k epoch [95% interval]", "time ÷ time on 1 thread"],
                          rows, "lrrrrl")


def speed_conv(record: dict) -> str:
    rows = [[text(r["path"]), r["batch_size"], epoch_text(r),
             verdict_text(find(record, "conv", r["path"], "scratch float32",
                               batch_size=r["batch_size"]))]
            for r in ok_rows(record, "conv")]
    return markdown_table(["path", "mini-batch", "s per 50k epoch [95% interval]",
                           "time ÷ scratch [95% interval]"], rows, "lrrl")


def speed_options(record: dict) -> str:
    """Each built-in option against the same library without it, and what it cost to start."""
    rows, seen = [], set()
    for c in record.get("comparisons", []):
        point = (c["a"], c["batch_size"], c["width"])
        if c["b"] not in ("torch float32", "keras float32") or c["a"] == c["b"] \
                or c["sweep"] not in ("batch", "width") or point in seen:
            continue  # (a point on both sweeps is shown once)
        seen.add(point)
        row = next(r for r in ok_rows(record, c["sweep"])
                   if (r["path"], r["batch_size"], r["width"]) == point)
        rows.append([text(c["a"]), f"{c['batch_size']} x {c['width']}", _settings(row),
                     f"{row['first_batch_seconds']:.1f}", verdict_text(c)])
    return markdown_table(["option", "mini-batch x width", "effective settings",
                           "compile + first mini-batch (s)", "time ÷ without [95% interval]"],
                          rows, "lllrl")


def _settings(row: dict) -> str:
    if "jit_compile" not in row:
        return "torch.compile, default mode"
    return (f"jit_compile={row['jit_compile']}, steps_per_execution="
            f"{row['steps_per_execution']} (samples of {row['steps']} steps)")


def speed_noise(record: dict) -> str:
    if not new_protocol(record):
        return OLD_PROTOCOL
    rows = [[text(n["path"]), f"{n['batch_size']} x {n['width']}", _epoch(n["first"]),
             _epoch(n["second"]), ratio_text(n), "yes" if n["agree"] else "**no**"]
            for n in record["noise_floor"]]
    return markdown_table(["path", "mini-batch x width", "first: s per epoch",
                           "second: s per epoch", "second ÷ first", "agree"], rows, "llrrrl")


def _epoch(found: dict) -> str:
    return (f"{found['seconds_per_epoch']:.3f} [{found['epoch_low_s']:.3f}–"
            f"{found['epoch_high_s']:.3f}]")


def speed_machine(record: dict) -> str:
    """The CPUs this run could use, its thread pools and how busy the machine was."""
    if "machine" not in record:
        return OLD_PROTOCOL
    m = record["machine"]
    cpus, load, threads = m["cpus"], m["load"], m["threads"]
    quota = "none" if cpus["quota_cpus"] is None else f"{cpus['quota_cpus']:g} CPUs"
    pools = ", ".join(f"{text(p['api'])} ({text(p['library'])}): {p['threads']}"
                      for p in threads["pools"])
    tensorflow = threads.get("tensorflow")
    rows = [
        ["CPUs this process may run on", f"{len(cpus['affinity'])} of {cpus['logical_cpus']}"],
        ["cgroup CPU quota", quota],
        ["pools set to", str(threads["set_to"])],
        ["BLAS and OpenMP pools", pools or "none found"],
        ["PyTorch intra-op / inter-op", f"{threads['torch_intra_op']} / "
                                        f"{threads['torch_inter_op']}"],
        ["TensorFlow intra-op / inter-op", "not loaded" if tensorflow is None else
         f"{tensorflow['intra_op']} / {tensorflow['inter_op']} ({text(tensorflow['note'])})"],
        ["others' share of those CPUs, before / after", f"{load['others_share_before']:.0%} / "
                                                        f"{load['others_share_after']:.0%}"],
        ["load average (1, 5, 15 min) before", _loads(load["load_average_before"])],
        ["load average after", _loads(load["load_average_after"])],
        ["CPU time stolen by the hypervisor", f"{load['steal_share']:.1%}"],
        ["busy", "**yes**: " + "; ".join(map(text, load["busy_reasons"])) if load["busy"]
         else "no"],
    ]
    return markdown_table(["", "this run"], rows, "ll")


def _loads(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def noise_flags(record: dict) -> list[str]:
    """Sentences for the provenance box: why this run's speed figures deserve less trust
    (busy machine, noise floor disagreeing, a recompile while timing), empty when clean."""
    if "machine" not in record:
        return [OLD_PROTOCOL + "."]
    reasons = record["machine"]["load"]["busy_reasons"]
    flags = [f"The machine was busy: {'; '.join(map(text, reasons))}."] if reasons else []
    flags += [f"The noise floor disagreed: {text(n['path'])} at mini-batch {n['batch_size']}, "
              f"width {n['width']}, timed twice, came out {ratio_text(n)} of itself."
              for n in record["noise_floor"] if not n["agree"]]
    if record["machine"]["recompiled_during_timing"]:
        flags.append("torch.compile built new graphs during the timed rounds, so some "
                     "compiled samples include compile time.")
    if record["config"]["repeats"] < timing.MIN_SAMPLES:
        flags.append(f"Only {plural(record['config']['repeats'], 'round')}: too few for "
                     f"{timing.CONFIDENCE:.0%} intervals, so every comparison is tied by rule.")
    return flags


def speed_gap(record: dict) -> str:
    """Each library's step split into its matrix products and the rest (ms per step)."""
    if not record.get("gap"):
        return "*No split was measured in this run.*"
    rows = []
    for g in record["gap"]:
        for library, name in (("numpy", "NumPy (scratch float32)"),
                              ("torch", "PyTorch (torch float32)")):
            s = g[library]
            inside = s.get("profiler_products_s")
            products = s["products_alone_s"] if inside is None else inside
            rows.append([f"{g['batch_size']} x {g['width']}", name,
                         f"{s['step_s'] * 1e3:.3f} [{s['step_low_s'] * 1e3:.3f}–"
                         f"{s['step_high_s'] * 1e3:.3f}]",
                         f"{s['products_alone_s'] * 1e3:.3f}",
                         "—" if inside is None else f"{inside * 1e3:.3f}",
                         f"{(s['step_s'] - products) * 1e3:.3f}"])
    return markdown_table(["mini-batch x width", "library", "step, ms [95% interval]",
                           "its 5 products timed alone, ms", "products inside the step "
                           "(profiler), ms", "the rest, ms"], rows, "llrrrr")


def speed_products(record: dict) -> str:
    """Each product of the step in both libraries: GFLOP/s with intervals, and the paired
    time ratio PyTorch / NumPy."""
    steps = [r for r in record.get("products", []) if r["kind"] == "step"]
    rows = []
    for r in (r for r in steps if r["library"] == "numpy"):
        other = next(t for t in steps if t["library"] == "torch" and (t["batch_size"],
                     t["width"], t["role"]) == (r["batch_size"], r["width"], r["role"]))
        ratio = timing.paired_ratio(other["times_s"], r["times_s"])
        rows.append([f"{r['batch_size']} x {r['width']}", text(r["role"]),
                     " x ".join(map(str, r["shape"])), _gflops(r), _gflops(other),
                     verdict_text(_as_comparison(ratio))])
    return markdown_table(["mini-batch x width", "product", "shape (m x k x n)",
                           "NumPy GFLOP/s [95%]", "PyTorch GFLOP/s [95%]",
                           "PyTorch time ÷ NumPy time"], rows, "lllrrl")


def _as_comparison(ratio: timing.Interval) -> dict:
    return {"ratio": ratio.median, "low": ratio.low, "high": ratio.high,
            "outcome": timing.decided(ratio)}


def _gflops(r: dict) -> str:
    return f"{r['gflops']:.3g} [{r['gflops_low']:.3g}–{r['gflops_high']:.3g}]"


def speed_peak(record: dict) -> str:
    squares = [r for r in record.get("products", []) if r["kind"] == "square"]
    if not squares:  # old protocol: medians only
        gemm = record["gemm_by_library"]
        rows = [[dtype, library, f"{gemm['all_threads'][dtype][library]:.1f}",
                 f"{gemm['one_thread'][dtype][library]:.1f}"]
                for dtype in ("float32", "float64") for library in ("numpy", "torch")]
        return markdown_table(["dtype", "library", "GFLOP/s, all threads", "GFLOP/s, 1 thread"],
                              rows, "llrr")
    rows = [[r["dtype"], r["library"], r["threads"], " x ".join(map(str, r["shape"])),
             _gflops(r)] for r in squares]
    return markdown_table(["dtype", "library", "threads", "shape", "GFLOP/s [95% interval]"],
                          rows, "llrlr")


def speed_resources(record: dict) -> str:
    intervals = record.get("import_intervals", {})
    rows = []
    for impl, m in record["memory"].items():
        i = intervals.get(impl)
        imports = (f"{record['imports'][impl]:.2f}" if i is None or len(i["times_s"]) < 2
                   else f"{i['median_s']:.2f} [{i['low_s']:.2f}–{i['high_s']:.2f}]")
        rows.append([IMPL_NAMES[impl], imports, f"{m['after_import_mb']:.0f}",
                     f"{m['peak_mb']:.0f}", f"{m['training_mb']:.0f}"])
    return markdown_table(["implementation", "import time (s) [interval]",
                           "memory after import (MB)", "peak memory (MB)",
                           "added by training (MB)"], rows)


def crossover_text(record: dict, sweep: str, a: str, b: str, who: str,
                   versus: str = "the NumPy code") -> str:
    """The crossover of ``a`` against ``b`` along a sweep, in words, with the interval of the
    ratio that decides it."""
    found = record["crossovers"].get(f"{sweep}:{a}:{b}")
    if found is None:
        return f"not measured ({who} was not timed on this sweep)"
    label, key = LABELS[sweep], KEYS[sweep]
    points, ahead = found["points"], found["ahead_from"]
    at = lambda p: find(record, sweep, a, b, **{key: p})  # noqa: E731

    if ahead is not None and ahead == points[0]:
        return f"none: {who} is faster at every {label} measured ({_span(at, points, label)})"
    if ahead is not None:
        return (f"{who} is faster from {label} {ahead} upward (there it takes "
                f"{ratio_text(at(ahead))} {versus}'s time)")
    largest = at(points[-1])
    if found["slower_at"] == points:
        return f"none: {who} is slower at every {label} measured ({_span(at, points, label)})"
    faster = (f"{who} is faster only at {label} {_points(found['faster_at'])}; "
              if found["faster_at"] else "")
    return (f"none: {faster}at the largest {label}, {points[-1]}, {who} takes "
            f"{ratio_text(largest)} {versus}'s time, {OUTCOME_WORDS[largest['outcome']]}")


def _span(at, points: list, label: str) -> str:
    return (f"time ratio {ratio_text(at(points[0]))} at {label} {points[0]}, "
            f"{ratio_text(at(points[-1]))} at {points[-1]}")


def speed_quotes(record: dict) -> dict[str, str]:
    config = record["config"]
    small, large = config["batch_sizes"][0], config["batch_sizes"][-1]
    widest = config["widths"][-1]

    def row(path: str, sweep: str = "batch", **point) -> dict:
        point = point or {"batch_size": small}
        return next(r for r in ok_rows(record, sweep)
                    if r["path"] == path and all(r[k] == v for k, v in point.items()))

    def ratio(a: str, b: str, sweep: str = "batch", **point) -> str:
        return takes(find(record, sweep, a, b, **(point or {"batch_size": small})), NUMPY_TIME)

    s32, t32 = row("scratch float32"), row("torch float32")
    steps = EPOCH_EXAMPLES / small
    gemm = record["gemm_by_library"]["all_threads"]
    wide = {p: row(p, "width", width=widest) for p in ("scratch float32", "torch float32")}
    compiled = [r for r in ok_rows(record, "batch") + ok_rows(record, "width")
                if r["path"] == "torch.compile float32"]
    return {
        "small_batch": str(small), "large_batch": str(large), "widest": str(widest),
        "scratch_step_us": f"{s32['seconds_per_epoch'] / steps * 1e6:,.0f}",
        "torch_step_us": f"{t32['seconds_per_epoch'] / steps * 1e6:,.0f}",
        "scratch32_b10_epoch_s": epoch_text(s32), "torch32_b10_epoch_s": epoch_text(t32),
        "book_b10_epoch_s": epoch_text(row("book per-example (float64)")),
        "book_vs_matrix_f64": ratio_text(find(record, "batch", "book per-example (float64)",
                                              "scratch float64", batch_size=small)),
        "torch_vs_scratch_b10": ratio("torch float32", "scratch float32"),
        "batch_crossover_f32": crossover_text(record, "batch", "torch float32",
                                              "scratch float32", "PyTorch"),
        "batch_crossover_f64": crossover_text(record, "batch", "torch float64",
                                              "scratch float64", "PyTorch"),
        "width_crossover_f32": crossover_text(record, "width", "torch float32",
                                              "scratch float32", "PyTorch"),
        "width_crossover_f64": crossover_text(record, "width", "torch float64",
                                              "scratch float64", "PyTorch"),
        "compile_first_batch_s": (f"{max(r['first_batch_seconds'] for r in compiled):.1f}"
                                  if compiled else "n/a"),
        "gpu": text(config["gpu"]) if config["gpu"] else "none: no GPU was available to this run",
        "peak_f32": f"{gemm['float32']['peak']:.0f}", "peak_f64": f"{gemm['float64']['peak']:.0f}",
        "gemm_numpy_f32": f"{gemm['float32']['numpy']:.0f}",
        "gemm_torch_f32": f"{gemm['float32']['torch']:.0f}",
        "torch_vs_scratch_widest": ratio("torch float32", "scratch float32", "width",
                                         width=widest),
        "scratch32_widest_peak_pct": f"{100 * wide['scratch float32']['fraction_of_peak']:.0f}",
        "torch32_widest_peak_pct": f"{100 * wide['torch float32']['fraction_of_peak']:.0f}",
        "malloc": text(record["malloc"]), "keras_note": keras_note(record),
        **protocol_quotes(record), **_gap_quotes(record), **_keras_quotes(record, small, large),
        **thread_quotes(record), **option_quotes(record), **conv_quotes(record),
    }


def protocol_quotes(record: dict) -> dict[str, str]:
    """The protocol's constants, from the code, and this run's sizes: for the methodology
    page and the noise-floor section."""
    config = record["config"]
    agreed = sum(n["agree"] for n in record["noise_floor"])
    return {"confidence": f"{timing.CONFIDENCE:.0%}", "min_samples": str(timing.MIN_SAMPLES),
            "rounds": str(config["repeats"]), "block_ms": f"{timing.BLOCK_SECONDS * 1e3:g}",
            "busy_share": f"{machine.BUSY_SHARE:.0%}", "busy_steal": f"{machine.BUSY_STEAL:.0%}",
            "idle_window_s": f"{machine.IDLE_WINDOW_S:g}",
            "coverage": f"{timing.median_interval(range(config['repeats'])).coverage:.1%}",
            "threads": str(config["threads"]), "examples": f"{config['examples']:,}",
            "wide_examples": f"{config['wide_examples']:,}", "min_steps": str(config["min_steps"]),
            "images": f"{config['images']:,}",
            "noise_agreed": f"{agreed} of {len(record['noise_floor'])}",
            "flags": " ".join(noise_flags(record)) or "Nothing to flag: the run was quiet and "
                                                       "its noise floor agreed."}


def _gap_quotes(record: dict) -> dict[str, str]:
    """At each gap point, PyTorch's step against NumPy's: the difference split into the
    products (timed alone: each library's BLAS at the same shapes) and the rest."""
    if not record["gap"]:
        return {"gap_sentence": "The split was not measured in this run.",
                "profiler_sentence": ""}
    gaps, inside = [], []
    for g in record["gap"]:
        numpy, torch = g["numpy"], g["torch"]
        gap = (torch["step_s"] - numpy["step_s"]) * 1e3
        blas = (torch["products_alone_s"] - numpy["products_alone_s"]) * 1e3
        versus = next((c for c in record["comparisons"] if (c["a"], c["b"], c["batch_size"],
                                                             c["width"])
                       == ("torch float32", "scratch float32", g["batch_size"], g["width"])),
                      None)
        gaps.append(f"at mini-batch {g['batch_size']}, width {g['width']}, a PyTorch step "
                    f"takes {takes(versus, NUMPY_STEP)}; the difference, "
                    f"{gap:+.3f} ms per step, is {blas:+.3f} ms in the products timed alone "
                    f"and {gap - blas:+.3f} ms in the rest of the step")
        inside.append(f"{torch['profiler_products_s'] * 1e3:.3f} ms of a "
                      f"{torch['profiler_step_s'] * 1e3:.3f} ms step at mini-batch "
                      f"{g['batch_size']}, width {g['width']}")
    return {"gap_sentence": _sentence("; ".join(gaps)),
            "profiler_sentence": _sentence("Inside PyTorch's real step, the profiler puts "
                                           + "; ".join(inside) + " in matrix-product kernels "
                                           "(the profiler's own overhead lengthens the step)")}


def _sentence(words: str) -> str:
    return words[0].upper() + words[1:] + "."


def thread_quotes(record: dict) -> dict[str, str]:
    """Each point of the thread sweep in words: n threads against one, paired."""
    found = [f"{text(t['path'])} at mini-batch {t['batch_size']}, width {t['width']}: "
             f"{t['threads']} threads take {takes(t, 'the time of one')}"
             for t in record["threads"]]
    return {"thread_summary": "Measured here: " + "; ".join(found) + "." if found
            else "One thread is all this process may use, so there is no thread sweep."}


def option_quotes(record: dict) -> dict[str, str]:
    """Each built-in option: at how many points it made its library faster, slower, tied."""
    found = []
    for option, without in (("torch.compile float32", "torch float32"),
                            ("keras XLA float32", "keras float32"),
                            ("keras steps_per_execution float32", "keras float32")):
        these = {(c["batch_size"], c["width"]): c["outcome"] for c in record["comparisons"]
                 if (c["a"], c["b"]) == (option, without) and c["sweep"] in ("batch", "width")}
        if these:
            counts = [f"{sum(o == outcome for o in these.values())} {OUTCOME_WORDS[outcome]}"
                      for outcome in (timing.FASTER, timing.SLOWER, timing.TIED)]
            found.append(f"{text(option)} against {text(without)}: at "
                         f"{plural(len(these), 'point')}, " + ", ".join(counts))
    return {"options_summary": "Measured here: " + "; ".join(found) + "." if found
            else "No built-in option was timed in this run."}


def conv_quotes(record: dict) -> dict[str, str]:
    found = [f"{text(c['a'])} takes {takes(c, NUMPY_TIME)} at mini-batch "
             f"{c['batch_size']}" for c in record["comparisons"] if c["sweep"] == "conv"]
    return {"conv_summary": "Measured here: " + "; ".join(found) + "." if found
            else "The convolutional variant was not timed in this run."}


def _keras_quotes(record: dict, small: int, large: int) -> dict[str, str]:
    """Keras against the other two at both ends of the sweeps: whole sentences, so that a
    run without the Keras extra reads as well as one with it."""
    absent = "Keras was not measured in this run: its optional extra was not installed."
    if "keras float32" not in record["config"]["paths"]:
        return {"keras_paragraph": absent, "keras_summary": absent.removesuffix("."),
                "keras_vs_scratch_b10": "not measured",
                **dict.fromkeys(("keras_batch_crossover_f32", "keras_width_crossover_f32",
                                 "keras_vs_scratch_widest"), "not measured")}
    widest = record["config"]["widths"][-1]
    versus = find(record, "batch", "keras float32", "scratch float32", batch_size=small)
    keras, torch = (next(r for r in ok_rows(record, "batch")
                         if (r["path"], r["batch_size"]) == (path, small))
                    for path in ("keras float32", "torch float32"))
    pairs = _as_comparison(timing.paired_ratio(keras["times_s"], torch["times_s"]))
    large_versus = find(record, "batch", "keras float32", "scratch float32", batch_size=large)
    return {"keras_vs_scratch_b10": f"{versus['ratio']:.1f}",
            "keras_summary": f"Keras takes {takes(versus, NUMPY_TIME)} at mini-batch {small}",
            "keras_paragraph": (
                f"Keras takes {epoch_text(keras)} s per epoch at mini-batch {small}, "
                f"{takes(versus, NUMPY_TIME)} and {takes(pairs, PYTORCH_TIME)}. `fit` runs "
                "each step as a compiled TensorFlow graph, but it also calls back into Python "
                "for every mini-batch, a fixed cost per step that only larger mini-batches "
                f"amortise. At mini-batch {large} it takes {takes(large_versus, NUMPY_TIME)}."),
            "keras_batch_crossover_f32": crossover_text(record, "batch", "keras float32",
                                                        "scratch float32", "Keras"),
            "keras_width_crossover_f32": crossover_text(record, "width", "keras float32",
                                                        "scratch float32", "Keras"),
            "keras_vs_scratch_widest": takes(find(record, "width", "keras float32",
                                                  "scratch float32", width=widest), NUMPY_TIME)}


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


# True of both generations of record: an older one (the GPU record) has min and max instead.
STATISTIC = ("median of {repeats} timed repeats per job after a warm-up, with its interval (a "
             "distribution-free 95% interval for the median; min and max in a record made "
             "before the timing protocol); comparisons: the median of paired ratios")
TABLES = {"batch": lambda r: speed_sweep(r, "batch"), "width": lambda r: speed_sweep(r, "width"),
          "crossovers": speed_comparisons, "threads": speed_threads, "conv": speed_conv,
          "options": speed_options, "noise": speed_noise, "machine": speed_machine,
          "gap": speed_gap, "products": speed_products, "peak": speed_peak,
          "resources": speed_resources}
quotes = speed_quotes
