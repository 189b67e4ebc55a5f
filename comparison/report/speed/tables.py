"""The performance page's tables of timings: both sweeps, the crossovers, threads, the conv
variant, the built-in options. Each cell has its median and 95% interval; each comparison its
paired ratio and outcome (``experiments/harness/timing.py`` decides it)."""

from __future__ import annotations

from comparison.report.markdown import markdown_table, text
from comparison.report.speed.rows import (
    KEYS,
    OLD_PROTOCOL,
    baseline_of,
    epoch_text,
    find,
    new_protocol,
    ok_rows,
    points_text,
    verdict_text,
)


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
        rows.append([sweep, text(a), text(b), points_text(found["faster_at"]),
                     points_text(found["slower_at"]), points_text(tied),
                     "—" if found["ahead_from"] is None else found["ahead_from"]])
    return markdown_table(["sweep", "a", "b", "a faster at", "a slower at", "tied within noise",
                           "a ahead from"], rows, "lllllll")


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
