"""The performance page's tables of timings: both sweeps, the crossovers, threads, the conv
variant, the built-in options. Each cell has its median and 95% interval; each comparison its
paired ratio and outcome (``experiments/harness/timing.py`` decides it)."""

from __future__ import annotations

from comparison.experiments.speed.paths import PATHS, SCRATCH
from comparison.experiments.speed.result import Result, Row
from comparison.report.markdown import markdown_table, text
from comparison.report.speed.rows import (
    KEYS,
    OLD_PROTOCOL,
    baseline_of,
    epoch_text,
    points_text,
    verdict_text,
)


def speed_sweep(result: Result, sweep: str) -> str:
    key = KEYS[sweep]
    rows = []
    for r in (r for r in result.rows if r.sweep == sweep):
        if not r.ok:
            rows.append([text(r.path), r.along(sweep), text(r.status), "", "", "", ""])
            continue
        peak = f"{100 * r.fraction_of_peak:.1f}%" if r.fraction_of_peak is not None else "—"
        gflops = f"{r.gflops:.1f}" if r.gflops else "—"
        versus = result.find(sweep, r.timed, baseline_of(r.timed), batch_size=r.batch_size,
                             width=r.width)
        rows.append([text(r.path), r.along(sweep), epoch_text(r), f"{r.examples_per_s:,.0f}",
                     gflops, peak, verdict_text(versus)])
    label = "mini-batch" if key == "batch_size" else "hidden neurons"
    return markdown_table(["path", label, "s per 50k epoch: median [95% interval]",
                           "examples/s", "GFLOP/s", "of GEMM peak",
                           "time ÷ scratch (same dtype) [95% interval]"], rows, "lrrrrrl")


def speed_comparisons(result: Result) -> str:
    """Every crossover: at which points a is faster, slower, tied, and from where it leads."""
    if not result.new_protocol:
        return OLD_PROTOCOL
    rows = []
    for sweep, a, b in result.pairs():
        found = result.crossover(sweep, a, b)
        rows.append([sweep, text(a), text(b), points_text(found.faster_at),
                     points_text(found.slower_at), points_text(found.tied_at),
                     "—" if found.ahead_from is None else found.ahead_from])
    return markdown_table(["sweep", "a", "b", "a faster at", "a slower at", "tied within noise",
                           "a ahead from"], rows, "lllllll")


def speed_threads(result: Result) -> str:
    if not result.new_protocol:
        return OLD_PROTOCOL
    rows = []
    for r in sorted(result.ok_rows("threads"),
                    key=lambda r: (r.path, r.batch_size, r.width, r.threads)):
        versus = next((t for t in result.threads if (t.path, t.batch_size, t.width, t.threads)
                       == (r.path, r.batch_size, r.width, r.threads)), None)
        rows.append([text(r.path), r.batch_size, r.width, r.threads, epoch_text(r),
                     "1 (the reference)" if r.threads == 1 else verdict_text(versus)])
    return markdown_table(["path", "mini-batch", "width", "threads",
                           "s per 50k epoch [95% interval]", "time ÷ time on 1 thread"],
                          rows, "lrrrrl")


def speed_conv(result: Result) -> str:
    scratch = PATHS[SCRATCH["float32"]]
    rows = [[text(r.path), r.batch_size, epoch_text(r),
             verdict_text(result.find("conv", r.timed, scratch, batch_size=r.batch_size))]
            for r in result.ok_rows("conv")]
    return markdown_table(["path", "mini-batch", "s per 50k epoch [95% interval]",
                           "time ÷ scratch [95% interval]"], rows, "lrrl")


def speed_options(result: Result) -> str:
    """Each built-in option against the same library without it, and what it cost to start."""
    rows = []
    for c in result.options():  # each point once
        if c.sweep not in ("batch", "width"):
            continue
        row = result.row(c.first, c.sweep, batch_size=c.batch_size, width=c.width)
        rows.append([text(c.a), f"{c.batch_size} x {c.width}", _settings(row),
                     f"{row.first_batch_seconds:.1f}", verdict_text(c)])
    return markdown_table(["option", "mini-batch x width", "effective settings",
                           "compile + first mini-batch (s)", "time ÷ without [95% interval]"],
                          rows, "lllrl")


def _settings(row: Row) -> str:
    if row.jit_compile is None:
        return "torch.compile, default mode"
    return (f"jit_compile={row.jit_compile}, steps_per_execution="
            f"{row.steps_per_execution} (samples of {row.steps} steps)")
