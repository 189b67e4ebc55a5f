"""The GPU record (docs/records/speed-gpu.json): the GPU against the fastest CPU path.

A record made with the timing protocol has every sample, so each speed-up carries the interval
of its paired ratio and is decided by ``timing.py``'s rule. The committed record predates it:
it has medians with min and max only, so its speed-ups are medians, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from comparison import stats
from comparison.experiments.speed import train_flops_per_example
from comparison.experiments.speed.paths import PATHS, SWEEP_KEYS
from comparison.experiments.speed.result import Result, Row, each_point
from comparison.report.markdown import markdown_table, ratio_text, text
from comparison.report.speed import OLD_PROTOCOL, OUTCOME_WORDS, trust_flags
from comparison.results.typed import Recorded

TORCH = "torch float32"  # the CPU path whose rows the note reads


@dataclass(frozen=True)
class Speedup:
    """The GPU at one point against the fastest CPU path there (lowest median): CPU time over
    GPU time, with, where both have samples, its interval and the rule's outcome for the GPU
    (``None`` in an old record)."""

    sweep: str
    batch_size: int
    width: int
    cpu_path: str  # the fastest CPU path's label
    cpu_s: float  # its seconds per epoch
    gpu: Row
    speedup: float
    low: float | None
    high: float | None
    outcome: str | None
    coverage: float | None  # of the interval: too few samples and it decides nothing

    @property
    def ratio(self) -> float:
        """The speed-up, as ``ratio_text`` reads a ratio."""
        return self.speedup

    @property
    def point(self) -> tuple[int, int]:
        """Where, whichever sweep it lies on (``speed.result.each_point``)."""
        return self.batch_size, self.width


def gpu_speedups(result: Result) -> list[Speedup]:
    """At every point timed on the GPU: the fastest CPU path there and the GPU's speed-up."""
    ok = [r for r in result.rows if r.ok and r.sweep in SWEEP_KEYS]
    found = []
    for gpu in (r for r in ok if r.timed.device != "cpu"):
        cpu = [r for r in ok if r.timed.device == "cpu"
               and (r.sweep, r.batch_size, r.width) == (gpu.sweep, gpu.batch_size, gpu.width)]
        if not cpu:
            continue
        fastest = min(cpu, key=lambda r: r.seconds_per_epoch)
        speedup = (fastest.seconds_per_epoch / gpu.seconds_per_epoch, None, None, None, None)
        if gpu.times_s is not None and fastest.times_s is not None:
            ratio = stats.paired_ratio(gpu.times_s, fastest.times_s)  # below 1: GPU ahead
            speedup = (1 / ratio.median, 1 / ratio.high, 1 / ratio.low, stats.decided(ratio),
                       ratio.coverage)
        found.append(Speedup(gpu.sweep, gpu.batch_size, gpu.width, fastest.path,
                             fastest.seconds_per_epoch, gpu, *speedup))
    return found


def _point(found: Speedup) -> str:
    if found.sweep == "batch":
        return f"mini-batch {found.batch_size}, width {found.width}"
    return f"width {found.width}, mini-batch {found.batch_size}"


def _speedup_text(f: Speedup) -> str:
    if f.outcome is None:
        return f"{f.speedup:.2f}x (median)"
    return f"{ratio_text(f)}, GPU {OUTCOME_WORDS[f.outcome]}"


def gpu_table(recorded: Recorded) -> str:
    rows = []
    for f in gpu_speedups(recorded.result):
        g = f.gpu
        if g.epoch_low_s is not None:
            spread = f"[{g.epoch_low_s:.3f}–{g.epoch_high_s:.3f}]"
        else:
            scale = g.seconds_per_epoch / g.median_s
            spread = f"(min–max {g.min_s * scale:.3f}–{g.max_s * scale:.3f})"
        rows.append([_point(f), text(g.path), text(f.cpu_path), f"{f.cpu_s:.3f}",
                     f"{g.seconds_per_epoch:.3f} {spread}", _speedup_text(f)])
    return markdown_table(["point", "GPU path", "fastest CPU path there", "its s per epoch",
                           "GPU s per epoch", "GPU speed-up"], rows, "lllrrl")


def _outcome(f: Speedup) -> str:
    """The rule's outcome for the GPU at a point; in an old record, by the medians alone."""
    if f.outcome is not None:
        return f.outcome
    return stats.FASTER if f.speedup > 1 else stats.SLOWER


def _outcomes(found: list[Speedup]) -> list[str]:
    return [_outcome(f) for f in found]


def _gpu_ahead_from(found: list[Speedup], sweep: str) -> int | None:
    these = sorted((f for f in found if f.sweep == sweep), key=lambda f: f.gpu.along(sweep))
    return stats.ahead_from([f.gpu.along(sweep) for f in these], _outcomes(these))


def cpu_rows(recorded: Recorded) -> str:
    """What the record's CPU rows show at the two widest layers for PyTorch: time per step
    against the arithmetic, and the thread settings they ran with."""
    rows = sorted((r for r in recorded.result.ok_rows("width") if r.timed == PATHS[TORCH]),
                  key=lambda r: r.width)
    if len(rows) < 2:
        return "not measured"
    narrow, wide = rows[-2], rows[-1]

    def step_ms(r: Row) -> float:
        return r.median_s / (r.examples / r.batch_size) * 1e3

    work = (train_flops_per_example([784, wide.width, 10])
            / train_flops_per_example([784, narrow.width, 10]))
    p = recorded.provenance
    variables = ", ".join(f"{text(k)}={text(v)}" for k, v in p.get("thread_variables", {})
                          .items()) or "no thread variable set"
    return (f"{step_ms(wide):.1f} ms per step at width {wide.width} against "
            f"{step_ms(narrow):.1f} ms at width {narrow.width}: "
            f"{step_ms(wide) / step_ms(narrow):.0f}x the time for {work:.1f}x the arithmetic, "
            f"with PyTorch's {text(p.get('torch_threads'))} intra-op threads on "
            f"{text(p.get('logical_cpus'))} logical CPUs ({variables})")


def _worst(f: Speedup) -> str:
    """The GPU's smallest speed-up in words: "slower" or "faster" only where the rule (or, in
    an old record, the median) says so."""
    outcome = _outcome(f)
    if outcome == stats.SLOWER:
        return f"{1 / f.speedup:.1f}x slower at {_point(f)}"
    if outcome == stats.FASTER:
        return f"still {f.speedup:.2f}x faster at {_point(f)}, its smallest lead"
    return f"{_speedup_text(f)} at {_point(f)}"


def torch_speedups(result: Result) -> list[Speedup]:
    """PyTorch's rows of ``gpu_speedups``: the claim is about PyTorch (JAX, our addition, is
    shown beside it and moves no verdict)."""
    return [f for f in gpu_speedups(result) if f.gpu.timed.impl == "torch"]


def gpu_quotes(recorded: Recorded) -> dict[str, str]:
    found = torch_speedups(recorded.result)
    best, worst = max(found, key=lambda f: f.speedup), min(found, key=lambda f: f.speedup)
    p = recorded.provenance
    batch, width = _gpu_ahead_from(found, "batch"), _gpu_ahead_from(found, "width")
    step = worst.gpu.median_s / worst.gpu.examples * worst.batch_size
    points = each_point(found)
    faster = sum(o == stats.FASTER for o in _outcomes(points))
    return {
        "gpu": text(recorded.result.config.gpu), "torch": text(p["torch"]),
        "date": text(p["date_utc"][:10]),
        "cpu": f"{text(p['cpu'])} with {text(p['logical_cpus'])} logical CPUs",
        "faster_at": f"{faster} of {len(points)}",
        "ahead_from_batch": f"from mini-batch {batch}" if batch else "at no mini-batch measured",
        "ahead_from_width": f"from width {width}" if width else "at no width measured",
        "best": f"{_speedup_text(best)} at {_point(best)}",
        "worst": _worst(worst),
        "worst_step_ms": f"{step * 1e3:.2f}",
        "protocol": ("timed with the protocol of this page: every speed-up with its interval"
                     if recorded.result.new_protocol
                     else OLD_PROTOCOL + ": its speed-ups are medians"),
        "cpu_rows_note": cpu_rows_note(recorded),
        "jax": jax_on_gpu(recorded),
    }


def jax_on_gpu(recorded: Recorded) -> str:
    """Whether the record timed JAX on the GPU (and where it beat the CPU), or why not."""
    found = [f for f in gpu_speedups(recorded.result) if f.gpu.timed.impl == "jax"]
    if found:
        points = each_point(found)
        faster = sum(o == stats.FASTER for o in _outcomes(points))
        return (f"JAX on the GPU is in the record too (the jax CUDA float32 rows): it beat "
                f"the fastest CPU path at {faster} of {len(points)} points.")
    why = ("the record was made without JAX installed" if not recorded.provenance.get("jax")
           else "the JAX installed there had no CUDA build")
    return f"JAX on the GPU was **not measured**: {why}."


def cpu_rows_note(recorded: Recorded) -> str:
    """What the page can say about the record's CPU rows: with the protocol's thread and load
    record, the facts; without (an old record), that nothing explains them, and why."""
    result = recorded.result
    rows = f"On that machine's CPU, PyTorch took {cpu_rows(recorded)}."
    if result.new_protocol:
        flags = " ".join(trust_flags(result)) or "The run was quiet and its noise floor agreed."
        return (f"{rows} Its pools were set to {result.machine.threads.set_to} "
                f"threads and recorded (see its box). {flags}")
    return (f"{rows} Nothing in the arithmetic accounts for that, and the record cannot say "
            "what did, so these rows are **unexplained**: it was made before this page's "
            "protocol, so its thread pools were left at the libraries' defaults, unrecorded "
            "except for PyTorch's count, with no load record and no intervals. The suspect is "
            "oversubscription: NumPy's OpenBLAS pool and PyTorch's OpenMP pool, each sized to "
            "every logical CPU, competing for the same cores, or other work on the host. "
            "Confirming it needs a many-core machine, which this report's runs did not have; "
            "until the record is re-made with the protocol (pools set and recorded, load and "
            "noise floor measured), its CPU rows are no evidence about PyTorch's speed on wide "
            "layers.")


TABLES = {"speedups": gpu_table}
quotes = gpu_quotes
