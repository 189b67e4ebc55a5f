"""Where the CPU gap between PyTorch and NumPy comes from: each library's step split into its
matrix products and the rest, the products at the step's shapes, the square yardstick, and
start-up (import time, memory)."""

from __future__ import annotations

from comparison.experiments.harness import timing
from comparison.experiments.speed.paths import PATHS as TIMED_PATHS
from comparison.report.markdown import IMPL_NAMES, capitalised, full_stop, markdown_table, text
from comparison.report.speed.rows import (
    NUMPY_STEP,
    as_comparison,
    takes,
    verdict_text,
)


def speed_gap(record: dict) -> str:
    """Each library's step split into its matrix products, what flushing subnormal floats and
    updating in place save (paired by round, with intervals) and the rest (ms per step)."""
    if not record.get("gap"):
        return "*No split was measured in this run.*"
    rows = []
    for g in record["gap"]:
        for library, name in (("numpy", "NumPy (scratch float32)"),
                              ("torch", "PyTorch (torch float32)")):
            s = g[library]
            inside = s.get("profiler_products_s")
            rows.append([f"{g['batch_size']} x {g['width']}", name,
                         _ms(s["step_s"], s["step_low_s"], s["step_high_s"]),
                         _saving(s["products_alone"]) if "products_alone" in s
                         else f"{s['products_alone_s'] * 1e3:.3f}",
                         "—" if inside is None else f"{inside * 1e3:.3f}",
                         *(_saving(s.get(part)) for part in ("denormals", "allocation")),
                         _saving(s["rest"]) if "rest" in s
                         else f"{(s['step_s'] - s['products_alone_s']) * 1e3:.3f}"])
    return markdown_table(["mini-batch x width", "library", "step, ms [95% interval]",
                           "its 5 products timed alone, ms [95%]", "products inside the step "
                           "(profiler), ms", "saved by flushing subnormals, ms [95%]",
                           "saved by updating in place, ms [95%]",
                           "the rest (step − products − savings), ms [95%]"],
                          rows, "llrrrrrr")


def _ms(median: float, low: float, high: float) -> str:
    return f"{median * 1e3:.3f} [{low * 1e3:.3f}–{high * 1e3:.3f}]"


def _saving(found: dict | None) -> str:
    """A part of the step, ms with its interval (a record from before the split: not
    measured)."""
    return "not measured" if found is None else _ms(found["s"], found["low_s"], found["high_s"])


def speed_habits(record: dict) -> str:
    """The tuned NumPy step against the plain one, and how many subnormal floats a step met."""
    rows = []
    for g in (g for g in record.get("gap", []) if "tuned" in g["numpy"]):
        n, share = g["numpy"], g["numpy"]["subnormals"]
        rows.append([f"{g['batch_size']} x {g['width']}",
                     _ms(n["step_s"], n["step_low_s"], n["step_high_s"]),
                     _ms(n["tuned"]["s"], n["tuned"]["low_s"], n["tuned"]["high_s"]),
                     _ms(n["interaction"]["s"], n["interaction"]["low_s"],
                         n["interaction"]["high_s"]),
                     "yes" if adds_up(n) else "no",
                     " / ".join(f"{share[k]:.2%}" for k in ("activations", "derivatives",
                                                          "gradients"))])
    if not rows:
        return "*The tuned step was not split in this run.*"
    return markdown_table(["mini-batch x width", "NumPy step, ms [95%]",
                           "tuned step, ms [95%]", "tuned − (plain − both savings), ms [95%]",
                           "the parts add up (0 inside)", "subnormal share: activations / "
                           "σ′ / gradients"], rows, "lrrrll")


def adds_up(numpy: dict) -> bool:
    """Whether the two savings account for the tuned step: the per-round difference between
    the tuned step and the plain step less both savings holds 0 in its interval."""
    found = numpy["interaction"]
    return found["low_s"] <= 0 <= found["high_s"]


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
                     verdict_text(as_comparison(ratio))])
    return markdown_table(["mini-batch x width", "product", "shape (m x k x n)",
                           "NumPy GFLOP/s [95%]", "PyTorch GFLOP/s [95%]",
                           "PyTorch time ÷ NumPy time"], rows, "lllrrl")


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


def best_throughput(record: dict, path: str) -> dict | None:
    """The mini-batch where ``path`` trains most examples per second (all usable threads),
    with the interval of its time per example: training efficiency, per core."""
    rows = [r for r in record.get("rows", []) if (r["sweep"], r["path"], r["status"])
            == ("batch", path, "ok") and r["threads"] == record["config"]["threads"]]
    if not rows:
        return None
    best = max(rows, key=lambda r: r["examples_per_s"])
    return {"batch_size": best["batch_size"], "per_example": best["median_s"] / best["examples"],
            "low": best["low_s"] / best["examples"], "high": best["high_s"] / best["examples"],
            "per_core": best["examples_per_s"] / best["threads"],
            "per_core_low": best["examples"] / best["high_s"] / best["threads"],
            "per_core_high": best["examples"] / best["low_s"] / best["threads"]}


def speed_efficiency(record: dict) -> str:
    """Each float32 CPU path at its best mini-batch: examples per second per core."""
    rows = []
    for path in record["config"]["paths"]:
        cpu_float32 = TIMED_PATHS[path].dtype == "float32" and TIMED_PATHS[path].device == "cpu"
        best = best_throughput(record, path) if cpu_float32 else None
        if best:
            rows.append([text(path), best["batch_size"],
                         f"{best['per_core']:,.0f} [{best['per_core_low']:,.0f}–"
                         f"{best['per_core_high']:,.0f}]"])
    return markdown_table(["path", "best mini-batch", "examples per second per core "
                           "[interval]"], rows, "lrr")


def gap_quotes(record: dict) -> dict[str, str]:
    """At each gap point, PyTorch's step against NumPy's: the difference split into the
    products (timed alone: each library's BLAS at the same shapes) and the rest."""
    if not record["gap"]:
        return {"gap_sentence": "The split was not measured in this run.",
                "profiler_sentence": "", "habits_sentence": ""}
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
    return {"gap_sentence": _sentence("; ".join(gaps)), "habits_sentence": habits_text(record),
            "profiler_sentence": _sentence("Inside PyTorch's real step, the profiler puts "
                                           + "; ".join(inside) + " in matrix-product kernels "
                                           "(the profiler's own overhead lengthens the step)")}


def habits_text(record: dict) -> str:
    """At the widest point split, what each habit of the tuned code saved, a sentence each,
    and whether the two savings account for the tuned step."""
    split = [g for g in record["gap"] if "tuned" in g["numpy"]]
    if not split:
        return "The tuned step was not split in this run."
    g = split[-1]
    n, torch = g["numpy"], g["torch"]
    said = [f"At mini-batch {g['batch_size']}, width {g['width']}, the NumPy step takes "
            f"{_ms(n['step_s'], n['step_low_s'], n['step_high_s'])} ms",
            *([f"Its five matrix products, timed alone, take {_saving(n['products_alone'])} ms"]
              if "products_alone" in n else []),
            f"Flushing subnormal floats to zero saves {_saving(n['denormals'])} ms",
            f"Updating in place saves {_saving(n['allocation'])} ms",
            *([f"The rest of the step takes {_saving(n['rest'])} ms"] if "rest" in n else []),
            f"With both, the tuned step takes {_saving(n['tuned'])} ms"]
    left = (f"the tuned step minus what the parts predict (the plain step less both savings) "
            f"is {_saving(n['interaction'])} ms")
    said.append(f"The parts add up: {left}, an interval that holds 0" if adds_up(n)
                else f"The parts do not add up: {left}, an interval that excludes 0")
    if "denormals" in torch:
        said.append(f"In PyTorch's step, flushing subnormals saves "
                    f"{_saving(torch['denormals'])} ms")
    return ". ".join(said) + "."


def _sentence(words: str) -> str:
    return full_stop(capitalised(words))
