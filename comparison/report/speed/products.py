"""Where the CPU gap between PyTorch and NumPy comes from: each library's step split into its
matrix products and the rest, the products at the step's shapes, the square yardstick, and
start-up (import time, memory)."""

from __future__ import annotations

from dataclasses import dataclass

from comparison.experiments.speed.paths import PATHS, SCRATCH, TimedPath
from comparison.experiments.speed.result import PerStep, Product, Result
from comparison.report.markdown import IMPL_NAMES, capitalised, full_stop, markdown_table, text
from comparison.report.speed.rows import NUMPY_STEP, Paired, takes, verdict_text


def speed_gap(result: Result) -> str:
    """Each library's step split into its matrix products, what flushing subnormal floats and
    updating in place save (paired by round, with intervals) and the rest (ms per step)."""
    if not result.gap:
        return "*No split was measured in this run.*"
    rows = []
    for g in result.gap:
        for s, name in ((g.numpy, "NumPy (scratch float32)"),
                        (g.torch, "PyTorch (torch float32)")):
            inside = s.profiler_products_s
            rows.append([f"{g.batch_size} x {g.width}", name,
                         _ms(s.step_s, s.step_low_s, s.step_high_s),
                         _saving(s.products_alone) if s.products_alone is not None
                         else f"{s.products_alone_s * 1e3:.3f}",
                         "—" if inside is None else f"{inside * 1e3:.3f}",
                         *(_saving(part) for part in (s.denormals, s.allocation)),
                         _saving(s.rest) if s.rest is not None
                         else f"{(s.step_s - s.products_alone_s) * 1e3:.3f}"])
    return markdown_table(["mini-batch x width", "library", "step, ms [95% interval]",
                           "its 5 products timed alone, ms [95%]", "products inside the step "
                           "(profiler), ms", "saved by flushing subnormals, ms [95%]",
                           "saved by updating in place, ms [95%]",
                           "the rest (step − products − savings), ms [95%]"],
                          rows, "llrrrrrr")


def _ms(median: float, low: float, high: float) -> str:
    return f"{median * 1e3:.3f} [{low * 1e3:.3f}–{high * 1e3:.3f}]"


def _saving(found: PerStep | None) -> str:
    """A part of the step, ms with its interval (a record from before the split: not
    measured)."""
    return "not measured" if found is None else _ms(found.s, found.low_s, found.high_s)


def speed_habits(result: Result) -> str:
    """The tuned NumPy step against the plain one, and how many subnormal floats a step met."""
    rows = []
    for g in (g for g in result.gap or () if g.numpy.tuned is not None):
        n, share = g.numpy, g.numpy.subnormals
        rows.append([f"{g.batch_size} x {g.width}", _ms(n.step_s, n.step_low_s, n.step_high_s),
                     _saving(n.tuned), _saving(n.interaction),
                     "yes" if n.interaction.adds_up else "no",
                     " / ".join(f"{v:.2%}" for v in (share.activations, share.derivatives,
                                                     share.gradients))])
    if not rows:
        return "*The tuned step was not split in this run.*"
    return markdown_table(["mini-batch x width", "NumPy step, ms [95%]",
                           "tuned step, ms [95%]", "tuned − (plain − both savings), ms [95%]",
                           "the parts add up (0 inside)", "subnormal share: activations / "
                           "σ′ / gradients"], rows, "lrrrll")


def speed_products(result: Result) -> str:
    """Each product of the step in both libraries: GFLOP/s with intervals, and the paired
    time ratio PyTorch / NumPy."""
    steps = [r for r in result.products or () if r.kind == "step"]
    rows = []
    for r in (r for r in steps if r.library == "numpy"):
        other = next(t for t in steps if t.library == "torch"
                     and (t.batch_size, t.width, t.role) == (r.batch_size, r.width, r.role))
        rows.append([f"{r.batch_size} x {r.width}", text(r.role),
                     " x ".join(map(str, r.shape)), _gflops(r), _gflops(other),
                     verdict_text(Paired.of(other, r))])
    return markdown_table(["mini-batch x width", "product", "shape (m x k x n)",
                           "NumPy GFLOP/s [95%]", "PyTorch GFLOP/s [95%]",
                           "PyTorch time ÷ NumPy time"], rows, "lllrrl")


def _gflops(r: Product) -> str:
    return f"{r.gflops:.3g} [{r.gflops_low:.3g}–{r.gflops_high:.3g}]"


def speed_peak(result: Result) -> str:
    squares = [r for r in result.products or () if r.kind == "square"]
    if not squares:  # old protocol: medians only
        gemm = result.gemm_by_library
        rows = [[dtype, library, f"{gemm.all_threads[dtype][library]:.1f}",
                 f"{gemm.one_thread[dtype][library]:.1f}"]
                for dtype in ("float32", "float64") for library in ("numpy", "torch")]
        return markdown_table(["dtype", "library", "GFLOP/s, all threads", "GFLOP/s, 1 thread"],
                              rows, "llrr")
    rows = [[r.dtype, r.library, r.threads, " x ".join(map(str, r.shape)), _gflops(r)]
            for r in squares]
    return markdown_table(["dtype", "library", "threads", "shape", "GFLOP/s [95% interval]"],
                          rows, "llrlr")


def speed_resources(result: Result) -> str:
    intervals = result.import_intervals or {}
    rows = []
    for impl, m in result.memory.items():
        i = intervals.get(impl)
        imports = (f"{result.imports[impl]:.2f}" if i is None or len(i.times_s) < 2
                   else f"{i.median_s:.2f} [{i.low_s:.2f}–{i.high_s:.2f}]")
        rows.append([IMPL_NAMES[impl], imports, f"{m.after_import_mb:.0f}",
                     f"{m.peak_mb:.0f}", f"{m.training_mb:.0f}"])
    return markdown_table(["implementation", "import time (s) [interval]",
                           "memory after import (MB)", "peak memory (MB)",
                           "added by training (MB)"], rows)


@dataclass(frozen=True)
class Throughput:
    """A path at its best mini-batch: the time per example with its interval, and examples
    per second per core with theirs."""

    batch_size: int
    per_example: float
    low: float
    high: float
    per_core: float
    per_core_low: float
    per_core_high: float


def best_throughput(result: Result, path: TimedPath) -> Throughput | None:
    """The mini-batch where ``path`` trains most examples per second (all usable threads),
    with the interval of its time per example: training efficiency, per core."""
    rows = [r for r in result.ok_rows("batch")
            if r.timed == path and r.threads == result.config.threads]
    if not rows:
        return None
    best = max(rows, key=lambda r: r.examples_per_s)
    return Throughput(best.batch_size, best.median_s / best.examples,
                      best.low_s / best.examples, best.high_s / best.examples,
                      best.examples_per_s / best.threads,
                      best.examples / best.high_s / best.threads,
                      best.examples / best.low_s / best.threads)


def speed_efficiency(result: Result) -> str:
    """Each float32 CPU path at its best mini-batch: examples per second per core."""
    rows = []
    for label in result.config.paths:
        path = PATHS[label]
        best = (best_throughput(result, path) if (path.dtype, path.device) == ("float32", "cpu")
                else None)
        if best:
            rows.append([text(label), best.batch_size,
                         f"{best.per_core:,.0f} [{best.per_core_low:,.0f}–"
                         f"{best.per_core_high:,.0f}]"])
    return markdown_table(["path", "best mini-batch", "examples per second per core "
                           "[interval]"], rows, "lrr")


def gap_quotes(result: Result) -> dict[str, str]:
    """At each gap point, PyTorch's step against NumPy's: the difference split into the
    products (timed alone: each library's BLAS at the same shapes) and the rest."""
    if not result.gap:
        return {"gap_sentence": "The split was not measured in this run.",
                "profiler_sentence": "", "habits_sentence": ""}
    gaps, inside = [], []
    torch, scratch = PATHS["torch float32"], PATHS[SCRATCH["float32"]]
    for g in result.gap:
        numpy, pytorch = g.numpy, g.torch
        gap = (pytorch.step_s - numpy.step_s) * 1e3
        blas = (pytorch.products_alone_s - numpy.products_alone_s) * 1e3
        versus = next((c for c in result.comparisons if (c.first, c.second) == (torch, scratch)
                       and (c.batch_size, c.width) == (g.batch_size, g.width)), None)
        gaps.append(f"at mini-batch {g.batch_size}, width {g.width}, a PyTorch step "
                    f"takes {takes(versus, NUMPY_STEP)}; the difference, "
                    f"{gap:+.3f} ms per step, is {blas:+.3f} ms in the products timed alone "
                    f"and {gap - blas:+.3f} ms in the rest of the step")
        inside.append(f"{pytorch.profiler_products_s * 1e3:.3f} ms of a "
                      f"{pytorch.profiler_step_s * 1e3:.3f} ms step at mini-batch "
                      f"{g.batch_size}, width {g.width}")
    return {"gap_sentence": _sentence("; ".join(gaps)), "habits_sentence": habits_text(result),
            "profiler_sentence": _sentence("Inside PyTorch's real step, the profiler puts "
                                           + "; ".join(inside) + " in matrix-product kernels "
                                           "(the profiler's own overhead lengthens the step)")}


def habits_text(result: Result) -> str:
    """At the widest point split, what each habit of the tuned code saved, a sentence each,
    and whether the two savings account for the tuned step."""
    split = [g for g in result.gap if g.numpy.tuned is not None]
    if not split:
        return "The tuned step was not split in this run."
    g = split[-1]
    n, torch = g.numpy, g.torch
    said = [f"At mini-batch {g.batch_size}, width {g.width}, the NumPy step takes "
            f"{_ms(n.step_s, n.step_low_s, n.step_high_s)} ms",
            *([f"Its five matrix products, timed alone, take {_saving(n.products_alone)} ms"]
              if n.products_alone is not None else []),
            f"Flushing subnormal floats to zero saves {_saving(n.denormals)} ms",
            f"Updating in place saves {_saving(n.allocation)} ms",
            *([f"The rest of the step takes {_saving(n.rest)} ms"] if n.rest is not None
              else []),
            f"With both, the tuned step takes {_saving(n.tuned)} ms"]
    left = (f"the tuned step minus what the parts predict (the plain step less both savings) "
            f"is {_saving(n.interaction)} ms")
    said.append(f"The parts add up: {left}, an interval that holds 0" if n.interaction.adds_up
                else f"The parts do not add up: {left}, an interval that excludes 0")
    if torch.denormals is not None:
        said.append(f"In PyTorch's step, flushing subnormals saves "
                    f"{_saving(torch.denormals)} ms")
    return ". ".join(said) + "."


def _sentence(words: str) -> str:
    return full_stop(capitalised(words))
