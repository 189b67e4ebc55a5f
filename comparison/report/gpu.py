"""The GPU record (docs/records/speed-gpu.json): the GPU against the fastest CPU path."""

from __future__ import annotations

from comparison.report.markdown import markdown_table
from comparison.report.speed import ahead_from


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


TABLES = {"speedups": gpu_table}
quotes = gpu_quotes
