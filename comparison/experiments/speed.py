"""How fast is each implementation, where, and why?

Every *path* (a way of training) is timed at every *point* (mini-batch size, width) on the same
MNIST images in the same batch order, under one protocol (``timing.py``): all jobs set up and
warmed up first, then shuffled rounds, every sample kept, medians with intervals, paired
ratios for every comparison. Beside the training steps the same rounds time each library's
matrix products at the steps' own shapes and a square yardstick (``products.py``). Every
library's thread pools are set to the CPUs this process may use (``machine.py``), and the
machine's load is recorded before and after.

Nothing else runs while this experiment times: no worker processes; the progress bar
advances between samples, never inside one.

Longer than the project's usual 300 lines: the plan of what is timed (paths, sweeps, threads,
options, conv) and the rounds that time it share one schedule and are read together; the
harness, the machine and the products already live in their own modules.

Beside the book-faithful NumPy code, the *tuned* NumPy code (``scratch/tuned.py``, subnormal
floats flushed to zero as XLA does) is timed at every point, and at the split's points each of
its habits alone (``SPLIT_PATHS``), so that the NumPy step splits into products, subnormals,
allocation and the rest.

Budget, on 2 idle cores (estimated from per-example costs measured one path at a time on
this machine: NumPy 10 us per example at mini-batch 10, PyTorch 50, Keras about 100, the
book's loop 150; 0.3-0.6 ms per example at width 3000). One pass over every job of the full
profile costs about 30 s: the mini-batch sweep 7 s, the width sweep 14 s (width 3000 alone
7 s), the thread sweep 2 s, the conv variant 4.5 s, the split and the products 2 s. The
warm-up and 9 rounds make 10 passes, 300 s; set-up adds about 85 s (torch.compile at 4
points, XLA at 12) and the fresh processes for import time and memory about 55 s (6 per
implementation): about 7.5 minutes. The quick profile: 7 passes of about 4 s, 20 s of
set-up, 10 s of fresh processes: about a minute.
"""

from __future__ import annotations

import ctypes
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from tqdm import tqdm

from comparison.data import Dataset, load_dataset
from comparison.experiments import machine, products, timing
from comparison.experiments.context import Context
from comparison.results.provenance import REPO, THREAD_VARIABLES
from comparison.scratch.activations import sigmoid
from comparison.training import TrainConfig, installed, minibatches
from comparison.training.runners import make_runner
from comparison.training.variants import VARIANTS

SOURCES = ("experiments/speed.py", "experiments/timing.py", "experiments/machine.py",
           "experiments/products.py", "experiments/memory_probe.py")
EPOCH = 50_000
STEPS_PER_EXECUTION = 10  # Keras's option: training steps per call of its compiled step


@dataclass(frozen=True)
class TimedPath:
    """A way of training that is timed: an implementation with its settings."""

    impl: str
    dtype: str
    per_example: bool = False  # the book's one-example-at-a-time backprop (scratch only)
    compiled: bool = False  # the library's compiler (``Runner.compile``) is switched on
    options: tuple[tuple[str, object], ...] = ()  # ... with these options
    device: str = "cpu"
    tuned: bool = False  # scratch only: the step written for speed (``scratch/tuned.py``)
    flush_denormals: bool = False  # subnormal floats flushed to zero, as XLA does


PATHS = {
    "book per-example (float64)": TimedPath("scratch", "float64", per_example=True),
    "scratch float64": TimedPath("scratch", "float64"),
    "scratch float32": TimedPath("scratch", "float32"),
    # the habits of a careful NumPy programmer: in place, and the frameworks' float mode
    "scratch tuned float32": TimedPath("scratch", "float32", tuned=True, flush_denormals=True),
    "torch float64": TimedPath("torch", "float64"),
    "torch float32": TimedPath("torch", "float32"),
    "torch.compile float32": TimedPath("torch", "float32", compiled=True),
    "torch CUDA float32": TimedPath("torch", "float32", device="cuda"),
    "keras float32": TimedPath("keras", "float32"),  # tensorflow-cpu: no CUDA path
    "keras XLA float32": TimedPath("keras", "float32", compiled=True,
                                   options=(("jit_compile", True),)),
    "keras steps_per_execution float32": TimedPath(
        "keras", "float32", compiled=True,
        options=(("jit_compile", False), ("steps_per_execution", STEPS_PER_EXECUTION))),
    # always compiled (jax.jit): its first mini-batch, timed apart, is the compile time
    "jax float32": TimedPath("jax", "float32"),
    "jax CUDA float32": TimedPath("jax", "float32", device="cuda"),  # a CUDA build of JAX
    # one habit at a time, for the split of the step (timed at the split's points only)
    "scratch float32 FTZ": TimedPath("scratch", "float32", flush_denormals=True),
    "scratch in-place float32": TimedPath("scratch", "float32", tuned=True),
    "torch float32 FTZ": TimedPath("torch", "float32", flush_denormals=True),
}
TUNED = "scratch tuned float32"
SPLIT_PATHS = ("scratch float32 FTZ", "scratch in-place float32", "torch float32 FTZ")
SCRATCH = {"float32": "scratch float32", "float64": "scratch float64"}
# Each built-in option against the same library without it.
OPTIONS = {"torch.compile float32": "torch float32", "keras XLA float32": "keras float32",
           "keras steps_per_execution float32": "keras float32"}
BOOK = "book per-example (float64)"
THREAD_PATHS = ("scratch float32", "torch float32")  # TensorFlow sizes its pools once
CONV_PATHS = ("scratch float32", "torch float32", "keras float32")
NOISE_PATHS = ("scratch float32", "torch float32")  # timed twice, half a round apart
BATCH_SWEEP_WIDTH, WIDTH_SWEEP_BATCH = 30, 100
NOISE_POINT = (WIDTH_SWEEP_BATCH, BATCH_SWEEP_WIDTH)  # on both sweeps
CONV_WIDTH = 100  # the conv variant's hidden layer, as in the flexibility experiment
# Run as a file (``python -P``), not as a module: importing the package first would load
# every library (the experiments package imports all its modules) and spoil both figures.
MEMORY_PROBE = REPO / "comparison" / "experiments" / "memory_probe.py"
# Asked for with `--device cuda`, the run is a GPU record: it answers one question, from what
# size the GPU beats each implementation's fastest CPU path on the same machine, so it times
# only those. The rest of the CPU sweep is the CPU-only run's job.
GPU_RECORD_PATHS = ("scratch float32", "torch float32", "keras float32", "torch CUDA float32",
                    "jax float32", "jax CUDA float32")
POINT_KEYS = {"batch": "batch_size", "width": "width", "conv": "batch_size"}


@dataclass(frozen=True)
class Config:
    profile: str
    batch_sizes: tuple[int, ...]
    widths: tuple[int, ...]
    repeats: int  # timed samples of every job, one per round of the schedule
    examples: int  # training examples per sample, at widths up to 100
    wide_examples: int  # ... at wider layers
    min_steps: int  # and never fewer mini-batches than this per sample
    images: int  # the training images samples draw from: the first n (each runner holds them)
    per_example_batch_sizes: tuple[int, ...]  # the book's per-example loop: only these ...
    per_example_max_width: int  # ... and layers up to this wide (minutes per sample beyond)
    compile_points: tuple[tuple[int, int], ...]  # torch.compile: (mini-batch, width) points
    thread_points: tuple[tuple[int, int], ...]  # the thread sweep, 1 .. threads
    conv_batch_sizes: tuple[int, ...]
    conv_examples: int
    gap_points: tuple[tuple[int, int], ...]  # products at the step's shapes, and the split
    gemm_size: int
    probe_repeats: int  # fresh processes per implementation: import time and memory
    threads: int = 1  # the CPUs this process may use: every pool is set to this
    paths: tuple[str, ...] = ()
    implementations: tuple[str, ...] = ()
    seed: int = 0
    gpu: str | None = None
    datasets: tuple[str, ...] = ("mnist",)


PROFILES = {
    "smoke": dict(batch_sizes=(10, 100), widths=(30,), repeats=2, examples=200,
                  wide_examples=200, min_steps=2, images=100, per_example_batch_sizes=(10,),
                  per_example_max_width=30, compile_points=(), thread_points=((10, 30),),
                  conv_batch_sizes=(10,), conv_examples=20, gap_points=((100, 30),),
                  gemm_size=64, probe_repeats=1),
    # CI's pipeline check (within about 3 minutes on 2 cores): two mini-batches, two widths
    "quick": dict(batch_sizes=(10, 100), widths=(30, 300), repeats=timing.MIN_SAMPLES,
                  examples=500, wide_examples=500, min_steps=5, images=2_000,
                  per_example_batch_sizes=(10,), per_example_max_width=30,
                  compile_points=((100, 30),), thread_points=((10, 30), (100, 300)),
                  conv_batch_sizes=(10,), conv_examples=100, gap_points=((100, 300),),
                  gemm_size=512, probe_repeats=1),
    "full": dict(batch_sizes=(10, 20, 50, 100, 200, 500, 1000, 2000),
                 widths=(30, 100, 300, 1000, 3000), repeats=9, examples=5_000,
                 wide_examples=2_000, min_steps=10, images=5_000,
                 per_example_batch_sizes=(10, 100), per_example_max_width=30,
                 compile_points=((10, 30), (100, 30), (1000, 30), (100, 3000)),
                 thread_points=((10, 30), (100, 1000)), conv_batch_sizes=(10, 50),
                 conv_examples=500,
                 gap_points=((10, 30), (100, 30), (100, 100), (100, 300), (100, 1000),
                             (100, 3000)),
                 gemm_size=1024, probe_repeats=timing.MIN_SAMPLES),
}


def make_config(profile: str, context: Context) -> Config:
    cuda = torch.cuda.is_available() and context.device != "cpu"
    gpu_record = cuda and context.device.startswith("cuda")
    paths = [name for name, path in PATHS.items()
             if path.impl in installed()
             and (path.device == "cpu" or (cuda and _cuda_in(path.impl)))
             and (name in GPU_RECORD_PATHS or not gpu_record)]
    return Config(profile=profile, **PROFILES[profile],
                  threads=machine.usable_cpus()["usable"], paths=tuple(paths),
                  implementations=tuple(installed()), seed=context.seed,
                  gpu=torch.cuda.get_device_name(0) if cuda else None)


def _cuda_in(impl: str) -> bool:
    """Whether ``impl`` can use the GPU PyTorch sees (JAX only with its CUDA build)."""
    if impl != "jax":
        return True
    import jax

    return any(d.platform == "gpu" for d in jax.devices())


@dataclass(frozen=True)
class Spec:
    """One timed job: a path at a point, with its thread count (a twin is a second copy)."""

    path: str
    batch_size: int
    width: int
    threads: int
    variant: str = "baseline"
    twin: bool = False


@dataclass(eq=False)
class Timed:
    """A spec set up for timing: its runner's job, batches and what set-up measured."""

    spec: Spec
    sweeps: list[str]
    steps: int
    job: timing.Job | None = None
    runner: object = None
    batches: list = field(default_factory=list)
    row: dict = field(default_factory=dict)


def plan(config: Config) -> dict[Spec, list[str]]:
    """Every job to time, with the sweeps it belongs to (a point can be on two)."""
    specs: dict[Spec, list[str]] = {}

    def add(spec: Spec, sweep: str) -> None:
        specs.setdefault(spec, []).append(sweep)

    points = ([("batch", (b, BATCH_SWEEP_WIDTH)) for b in config.batch_sizes]
              + [("width", (WIDTH_SWEEP_BATCH, w)) for w in config.widths])
    for sweep, (b, w) in points:
        for name in (p for p in config.paths if p not in SPLIT_PATHS):
            if _timed_at(config, PATHS[name], (b, w)):
                add(Spec(name, b, w, config.threads), sweep)
    for b, w in config.gap_points:
        for name in (p for p in SPLIT_PATHS if p in config.paths):
            add(Spec(name, b, w, config.threads), "split")
    for b, w in config.thread_points:
        for name in (p for p in THREAD_PATHS if p in config.paths):
            for threads in thread_counts(config.threads):
                add(Spec(name, b, w, threads), "threads")
    for b in config.conv_batch_sizes:
        for name in (p for p in CONV_PATHS if p in config.paths):
            add(Spec(name, b, CONV_WIDTH, config.threads, variant="conv"), "conv")
    for name in NOISE_PATHS:
        original = Spec(name, *NOISE_POINT, config.threads)
        if original in specs:
            add(replace(original, twin=True), "noise")
    return specs


def thread_counts(usable: int) -> list[int]:
    """1, 2, 4, ... up to the usable CPUs, and that count itself."""
    return sorted({1, usable} | {2**k for k in range(usable.bit_length()) if 2**k <= usable})


def _timed_at(config: Config, path: TimedPath, point: tuple[int, int]) -> bool:
    batch_size, width = point
    if path.per_example:
        return (batch_size in config.per_example_batch_sizes
                and width <= config.per_example_max_width)
    if path.compiled and path.impl == "torch":  # a cold compile takes 10-20 s per point
        return point in config.compile_points
    return True


def run(config: Config, context: Context) -> dict:
    if config.images < max(config.batch_sizes):
        raise ValueError(f"the speed profile draws {config.images} images but its largest "
                         f"mini-batch is {max(config.batch_sizes)}: raise `images`")
    cpus = machine.usable_cpus()
    before = machine.snapshot(cpus["affinity"])
    malloc = tame_malloc()
    data = _images(load_dataset("mnist", context.data_dir), config.images)
    tensorflow = (machine.tensorflow_threads(config.threads)
                  if any(PATHS[p].impl == "keras" for p in config.paths) else None)
    xla = (machine.jax_threads() if any(PATHS[p].impl == "jax" for p in config.paths)
           else None)
    with machine.Threads(config.threads) as threads, _static_compiles(config):
        timed, micro, recompiled, unsettled = _time_everything(config, context, data, threads)
        gap = _gap(config, timed, micro, threads)
        pools = threads.record()
    gemm = yardstick(micro, config.threads)
    rows = [_with_peak(row, gemm, config.threads) for t in timed for row in _rows(t)]
    found = comparisons(rows)
    del timed  # the runners: free their memory before the fresh processes start
    startup = startup_times(config.probe_repeats, config.implementations, config.threads,
                            config.seed)
    after = machine.snapshot(cpus["affinity"])
    return {
        "rows": rows,
        "comparisons": found,
        "crossovers": crossovers(found),
        "threads": thread_speedups(rows),
        "noise_floor": noise_floor(rows),
        "products": micro,
        "gemm_by_library": gemm,
        "gap": gap,
        "machine": {"cpus": cpus, "load": machine.load_record(before, after),
                    "threads": {"set_to": config.threads, **pools, "tensorflow": tensorflow,
                                "jax": xla,
                                "environment": _thread_variables()},
                    "recompiled_during_timing": recompiled, "unsettled_samples": unsettled},
        **startup,
        "malloc": malloc,
        "timing": "shuffled rounds; median of samples with an order-statistic interval",
    }


def _images(data: Dataset, n: int) -> Dataset:
    """The first ``n`` training images, and no evaluation data: every runner holds its own
    copy of what it is given, and a hundred runners stay alive for the rounds."""
    return replace(data, train=data.train.head(n), validation=data.validation.head(1),
                   test=data.test.head(1))


def _time_everything(config: Config, context: Context, data: Dataset,
                     threads: machine.Threads) -> tuple[list[Timed], list[dict], int, int]:
    """Set every job up, warm them all up, then time them all in the same shuffled rounds.
    Also returns how many graphs torch.compile built during the rounds (should be none) and
    how many samples began before the process's threads had gone quiet (should be none)."""
    timed = [_set_up(spec, sweeps, config, data, threads)
             for spec, sweeps in tqdm(plan(config).items(), desc="setting up", unit="job",
                                      disable=not context.progress)]
    ready = [t for t in timed if t.job is not None]
    micro = products.product_jobs(config.gap_points, config.gemm_size, config.threads)
    jobs = [t.job for t in ready] + [job for _, job in micro]
    originals = {t.spec: i for i, t in enumerate(ready)}
    twins = {i: originals[replace(t.spec, twin=False)] for i, t in enumerate(ready)
             if t.spec.twin}
    timing.warm_up(jobs, threads.use)
    graphs = _graphs()
    with tqdm(total=config.repeats * len(jobs), desc="timing", unit="sample",
              disable=not context.progress) as bar:
        timing.time_rounds(jobs, config.repeats, config.seed, threads.use, twins, bar.update)
    return (timed, [_product_row(key, job) for key, job in micro], _graphs() - graphs,
            sum(job.unsettled for job in jobs))


def _set_up(spec: Spec, sweeps: list[str], config: Config, data: Dataset,
            threads: machine.Threads) -> Timed:
    """Build the spec's runner, switch its options on and time its first mini-batch (the
    compile time, for compiled paths); a failure is recorded, not raised."""
    path = PATHS[spec.path]
    steps = _steps(config, spec)
    timed = Timed(spec, sweeps, steps, row={"path": spec.path, "batch_size": spec.batch_size,
                                            "width": spec.width, "threads": spec.threads,
                                            "variant": spec.variant})
    train_config = TrainConfig(impl=path.impl, dtype=path.dtype, per_example=path.per_example,
                               device=path.device, tuned=path.tuned, hidden=(spec.width,),
                               batch_size=spec.batch_size, seed=config.seed,
                               variant=spec.variant, **_settings(spec))
    threads.use(spec.threads)
    try:
        runner = make_runner(train_config, data, EPOCH)
        batches = _batches(len(data.train), spec.batch_size, steps, config.seed)
        from torch.utils.benchmark import timer  # its import takes 0.3 s: only when timing

        start = timer()
        if path.compiled:
            runner.compile(**dict(path.options))
        with machine.flush_denormals(path.flush_denormals):
            runner.train_epoch(batches[:1])
        timed.row["first_batch_seconds"] = timer() - start
    except Exception as error:  # torch.compile needs a C++ toolchain; say why it failed
        timed.row["status"] = f"failed: {type(error).__name__}: {error}"[:300]
        return timed
    timed.row |= {"status": "ok", **_keras_options(path, runner)}
    timed.runner, timed.batches = runner, batches
    timed.job = timing.Job(f"{spec.path} {spec.batch_size}x{spec.width}",
                           _epoch(runner, batches, path.flush_denormals), spec.threads)
    return timed


def _epoch(runner, batches: list, flush: bool):
    """The timed call: the batches, in the float mode of the path (switched per sample)."""
    if not flush:
        return lambda: runner.train_epoch(batches)

    def epoch() -> None:
        with machine.flush_denormals():
            runner.train_epoch(batches)
    return epoch


def _settings(spec: Spec) -> dict:
    """The variant's own training settings (the conv variant's smaller eta), minus its
    layer sizes: the width is the spec's."""
    return {k: v for k, v in VARIANTS[spec.variant].settings.items() if k != "hidden"}


def _keras_options(path: TimedPath, runner) -> dict:
    """Keras's effective settings, as the compiled model reports them (``jit_compile="auto"``
    resolves to off on a CPU-only machine)."""
    if path.impl != "keras":
        return {}
    return {"jit_compile": bool(runner.model.jit_compile),
            "steps_per_execution": int(runner.model.steps_per_execution)}


def _steps(config: Config, spec: Spec) -> int:
    """Mini-batches per sample: the profile's examples, but never fewer than min_steps."""
    examples = (config.conv_examples if spec.variant == "conv" else config.examples
                if spec.width <= 100 else config.wide_examples)
    return max(config.min_steps, math.ceil(examples / spec.batch_size))


def _batches(n: int, batch_size: int, steps: int, seed: int) -> list[np.ndarray]:
    """``steps`` full mini-batches of the n images, reshuffling when they run out."""
    rng, batches = np.random.default_rng(seed), []
    while len(batches) < steps:
        batches += [b for b in minibatches(n, batch_size, rng) if len(b) == batch_size]
    return batches[:steps]


def _rows(timed: Timed) -> Iterator[dict]:
    """One row per sweep the job is on, with every sample and the derived figures."""
    row = dict(timed.row)
    if timed.job is not None:
        row |= _figures(timed)
    for sweep in timed.sweeps:
        yield {"sweep": sweep, **row}


def _figures(timed: Timed) -> dict:
    """What a job's samples say: their median and interval, per sample and per 50,000-example
    epoch, throughput and achieved GFLOP/s (counted for the dense network only)."""
    spec, times = timed.spec, timed.job.times
    examples = timed.steps * spec.batch_size
    found = timing.median_interval(times)
    per_epoch = EPOCH / examples
    sizes = TrainConfig(hidden=(spec.width,)).sizes()
    work = train_flops_per_example(sizes) * examples if spec.variant == "baseline" else 0
    return {"examples": examples, "steps": timed.steps, "repeats": len(times),
            "times_s": times, "median_s": found.median, "low_s": found.low,
            "high_s": found.high, "coverage": found.coverage,
            "seconds_per_epoch": found.median * per_epoch,
            "epoch_low_s": found.low * per_epoch, "epoch_high_s": found.high * per_epoch,
            "examples_per_s": examples / found.median, "gflops": work / found.median / 1e9}


def _with_peak(row: dict, gemm: dict, threads: int) -> dict:
    """The share of the square product's speed (same dtype, same threads) the step reached."""
    pool = {threads: "all_threads", 1: "one_thread"}.get(row["threads"])
    if not row.get("gflops") or pool is None:
        return row
    peak = gemm[pool][PATHS[row["path"]].dtype]["peak"]
    return row | {"peak_gflops": peak, "fraction_of_peak": row["gflops"] / peak}


def train_flops_per_example(sizes: list[int]) -> int:
    """Multiply-adds (x2) of one training step per example.

    Forward: 2 n_in n_out per layer. Backward: the weight gradient, 2 n_in n_out per layer,
    and the error passed down, 2 n_in n_out per layer except the first: nobody needs the
    gradient with respect to the input pixels. Element-wise work is not counted.
    """
    layers = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2 * sum(layers) + 2 * sum(layers) + 2 * sum(layers[1:])


def _pairs(sweep: str) -> list[tuple[str, str]]:
    """(a, b) compared along a sweep: every framework path against the scratch code in its
    dtype, the plain CPU ones also against the tuned scratch code, the tuned code against the
    plain, the book's loop against the same maths as matrix products, and every built-in
    option against the same library without it."""
    if sweep == "conv":
        return [("torch float32", SCRATCH["float32"]), ("keras float32", SCRATCH["float32"])]
    frameworks = [name for name, path in PATHS.items()
                  if path.impl != "scratch" and name not in SPLIT_PATHS]
    pairs = [(name, SCRATCH[PATHS[name].dtype]) for name in frameworks]
    tuned = [(name, TUNED) for name in ("torch float32", "keras float32", "jax float32")]
    return pairs + tuned + [(TUNED, SCRATCH["float32"]), (BOOK, SCRATCH["float64"]),
                            *OPTIONS.items()]


def comparisons(rows: list[dict]) -> list[dict]:
    """Paired ratios time(a) / time(b) at every point both were timed, with the outcome."""
    found = []
    for sweep in POINT_KEYS:
        ok = {(r["path"], r["batch_size"], r["width"]): r for r in rows
              if r["sweep"] == sweep and r["status"] == "ok"}
        for a, b in _pairs(sweep):
            for (path, batch_size, width), row in ok.items():
                other = ok.get((b, batch_size, width))
                if path == a and other:
                    found.append({"sweep": sweep, "batch_size": batch_size, "width": width,
                                  "a": a, "b": b, **_ratio(row["times_s"], other["times_s"])})
    return found


def _ratio(a: list[float], b: list[float]) -> dict:
    ratio = timing.paired_ratio(a, b)
    return {"ratio": ratio.median, "low": ratio.low, "high": ratio.high,
            "coverage": ratio.coverage, "outcome": timing.decided(ratio)}


def crossovers(found: list[dict]) -> dict[str, dict]:
    """For each sweep and pair: where a is faster, where slower, and from which point it
    stays faster (``timing.ahead_from``)."""
    pairs = dict.fromkeys((c["sweep"], c["a"], c["b"]) for c in found)
    result = {}
    for sweep, a, b in pairs:
        key = POINT_KEYS[sweep]
        these = sorted((c for c in found if (c["sweep"], c["a"], c["b"]) == (sweep, a, b)),
                       key=lambda c: c[key])
        points = [c[key] for c in these]
        outcomes = [c["outcome"] for c in these]
        result[f"{sweep}:{a}:{b}"] = {
            "points": points,
            "faster_at": [p for p, o in zip(points, outcomes) if o == timing.FASTER],
            "slower_at": [p for p, o in zip(points, outcomes) if o == timing.SLOWER],
            "ahead_from": timing.ahead_from(points, outcomes)}
    return result


def thread_speedups(rows: list[dict]) -> list[dict]:
    """On the thread sweep: time with n threads / time with one, paired (below 1: faster)."""
    ok = [r for r in rows if r["sweep"] == "threads" and r["status"] == "ok"]
    one = {(r["path"], r["batch_size"], r["width"]): r for r in ok if r["threads"] == 1}
    return [{"path": r["path"], "batch_size": r["batch_size"], "width": r["width"],
             "threads": r["threads"],
             **_ratio(r["times_s"], one[r["path"], r["batch_size"], r["width"]]["times_s"])}
            for r in ok if r["threads"] > 1 and (r["path"], r["batch_size"], r["width"]) in one]


def noise_floor(rows: list[dict]) -> list[dict]:
    """The same job built and timed twice, half a round apart: do the two agree (their paired
    ratio tied within noise)? If not, the rule would find differences that are not there."""
    found = []
    for twin in (r for r in rows if r["sweep"] == "noise" and r["status"] == "ok"):
        original = next((r for r in rows if r["sweep"] in ("batch", "width")
                         and r["status"] == "ok" and (r["path"], r["batch_size"], r["width"])
                         == (twin["path"], twin["batch_size"], twin["width"])), None)
        if original is None:
            continue
        ratio = _ratio(twin["times_s"], original["times_s"])
        found.append({"path": twin["path"], "batch_size": twin["batch_size"],
                      "width": twin["width"],
                      "first": _interval(original), "second": _interval(twin), **ratio,
                      "agree": ratio["outcome"] == timing.TIED})
    return found


def _interval(row: dict) -> dict:
    return {k: row[k] for k in ("median_s", "low_s", "high_s", "seconds_per_epoch",
                                "epoch_low_s", "epoch_high_s")}


def _product_row(key: dict, job: timing.Job) -> dict:
    found = timing.median_interval(job.times)
    work = products.flops(tuple(key["shape"]))
    return key | {"calls_per_sample": job.number, "times_s": job.times,
                  "median_s": found.median, "low_s": found.low, "high_s": found.high,
                  "gflops": work / found.median / 1e9, "gflops_low": work / found.high / 1e9,
                  "gflops_high": work / found.low / 1e9}


def yardstick(micro: list[dict], threads: int) -> dict:
    """GFLOP/s of the square product per library (medians), and the better one: the peak
    that "of GEMM peak" compares against; on all usable threads and on one."""
    found = {}
    for name, count in (("all_threads", threads), ("one_thread", 1)):
        for dtype in ("float32", "float64"):
            speeds = {r["library"]: r["gflops"] for r in micro
                      if r["kind"] == "square" and (r["dtype"], r["threads"]) == (dtype, count)}
            found.setdefault(name, {})[dtype] = speeds | {"peak": max(speeds.values())}
    return found


def _gap(config: Config, timed: list[Timed], micro: list[dict],
         threads: machine.Threads) -> list[dict]:
    """At each gap point: each library's step, its products timed alone, and for PyTorch the
    products inside the step as the profiler sees them."""
    found = []
    for batch_size, width in config.gap_points:
        steps = {t.spec.path: t for t in timed if t.job is not None and not t.spec.twin
                 and (t.spec.batch_size, t.spec.width, t.spec.threads, t.spec.variant)
                 == (batch_size, width, config.threads, "baseline")}
        if not all(p in steps for p in ("scratch float32", "torch float32")):
            continue
        alone = {library: [sum(sample) for sample in zip(*(
                     r["times_s"] for r in micro if r["kind"] == "step"
                     and (r["batch_size"], r["width"], r["library"])
                     == (batch_size, width, library)))] for library in products.LIBRARIES}
        threads.use(config.threads)
        torch_run = steps["torch float32"]
        profiled = products.profile_products(torch_run.runner, torch_run.batches)
        plain = steps["scratch float32"]
        numpy_saved = (steps.get("scratch float32 FTZ"), steps.get("scratch in-place float32"))
        found.append({"batch_size": batch_size, "width": width,
                      "numpy": _split(plain, alone["numpy"], numpy_saved) | _habits(steps) | {
                          "subnormals": subnormals(plain.runner, plain.batches[0])},
                      "torch": _split(torch_run, alone["torch"],
                                      (steps.get("torch float32 FTZ"),)) | _costs(
                          torch_run, steps.get("torch float32 FTZ"), "denormals") | {
                          "profiler_products_s": profiled["products_s"],
                          "profiler_step_s": profiled["profiled_step_s"]}})
    return found


def _split(timed: Timed, products_s: list[float], savings: tuple[Timed | None, ...]) -> dict:
    """A step (per round), its products timed alone (the five products' sum, per round) and
    the rest: the step less the products and what each habit in ``savings`` saved, paired
    round by round, so that every part has its interval."""
    step = timing.median_interval(timed.job.times)
    per_step = 1 / timed.steps
    rest = [t * per_step - p for t, p in zip(timed.job.times, products_s)]
    for other in (o for o in savings if o is not None and o.job is not None):
        rest = [r - (t - u) * per_step
                for r, t, u in zip(rest, timed.job.times, other.job.times)]
    return {"step_s": step.median * per_step, "step_low_s": step.low * per_step,
            "step_high_s": step.high * per_step,
            "products_alone_s": timing.median_interval(products_s).median,
            "products_alone": _per_step(products_s, 1), "rest": _per_step(rest, 1)}


def _habits(steps: dict[str, Timed]) -> dict:
    """What each habit of the tuned code saves in the NumPy step: flushing subnormals
    ("denormals"), updating in place ("allocation"), and whether the two add up to the tuned
    step ("interaction": tuned minus the sum of the parts, per round; 0 inside its interval
    means the split adds up)."""
    plain, ftz, in_place, tuned = (steps.get(p) for p in ("scratch float32",
                                                          "scratch float32 FTZ",
                                                          "scratch in-place float32", TUNED))
    found = _costs(plain, ftz, "denormals") | _costs(plain, in_place, "allocation")
    if ftz and in_place and tuned:
        rounds = zip(plain.job.times, ftz.job.times, in_place.job.times, tuned.job.times)
        found["interaction"] = _per_step([t - (f + i - p) for p, f, i, t in rounds],
                                         plain.steps)
        found["tuned"] = _per_step(tuned.job.times, tuned.steps)
    return found


def _costs(timed: Timed, without: Timed | None, name: str) -> dict:
    """``{name: the time per step that ``without`` saves}``, paired by round, with its
    interval; nothing when ``without`` was not timed."""
    if without is None or without.job is None:
        return {}
    return {name: _per_step([a - b for a, b in zip(timed.job.times, without.job.times)],
                            timed.steps)}


def _per_step(samples: list[float], steps: int) -> dict:
    found = timing.median_interval(samples)
    return {"s": found.median / steps, "low_s": found.low / steps, "high_s": found.high / steps}


def subnormals(runner, batch: np.ndarray) -> dict[str, float]:
    """The share of subnormal values in one step's arrays, for a mini-batch, at the weights
    the timed rounds left: the activations, the sigmoid's derivatives a (1 - a) and the
    weight gradients. Above zero, every one of them is a slow operation on many CPUs."""
    net, train = runner.model, runner.split("training")
    x, y = train.x[batch].T, train.target[batch].T
    activations = [x]
    for w, b in zip(net.weights, net.biases):
        activations.append(sigmoid(w @ activations[-1] + b))
    _, gradients = net.backprop(x, y)
    tiny = np.finfo(net.dtype).tiny
    return {name: float(sum(np.count_nonzero((a != 0) & (np.abs(a) < tiny)) for a in arrays)
                        / sum(a.size for a in arrays))
            for name, arrays in (("activations", activations[1:]),
                                 ("derivatives", [a * (1 - a) for a in activations[1:]]),
                                 ("gradients", gradients))}


def _static_compiles(config: Config):
    """torch.compile as each point would compile alone: one static graph per shape (no
    automatic dynamic shapes once a second shape appears), and room for a graph per point."""
    return torch._dynamo.config.patch(automatic_dynamic_shapes=False,
                                      recompile_limit=max(8, 2 * len(config.compile_points)))


def _graphs() -> int:
    """Graphs torch.compile has built so far in this process (to catch a recompile inside
    the timed rounds, which would put compile time into a sample)."""
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])


def _thread_variables() -> dict[str, str]:
    return {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ}


def startup_times(repeats: int, impls: tuple[str, ...], threads: int, seed: int) -> dict:
    """Import time and peak memory of each implementation, each from fresh processes
    (``memory_probe``), the implementations interleaved in shuffled rounds."""
    samples = {impl: [] for impl in impls}
    for order in timing.shuffled_rounds(len(impls), repeats, seed):
        for index in order:
            samples[impls[index]].append(_probe(impls[index], threads))
    imports = {impl: timing.median_interval([s[0] for s in found])
               for impl, found in samples.items()}
    memory = {impl: {"after_import_mb": float(np.median([s[1] for s in found])),
                     "peak_mb": float(np.median([s[2] for s in found]))}
              for impl, found in samples.items()}
    for m in memory.values():
        m["training_mb"] = m["peak_mb"] - m["after_import_mb"]
    return {"imports": {impl: i.median for impl, i in imports.items()},
            "import_intervals": {impl: {"median_s": i.median, "low_s": i.low, "high_s": i.high,
                                        "times_s": [s[0] for s in samples[impl]]}
                                 for impl, i in imports.items()},
            "memory": memory}


def _probe(impl: str, threads: int) -> tuple[float, float, float]:
    """(import seconds, MB after import, peak MB) from a fresh interpreter, run from the
    project root (so that it can import the package) with the pools at ``threads``."""
    environment = os.environ | {name: str(threads) for name in THREAD_VARIABLES} | {
        "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    result = subprocess.run([sys.executable, "-P", str(MEMORY_PROBE), impl], capture_output=True,
                            text=True, check=True, cwd=REPO, env=environment)
    seconds, after_import, peak = map(float, result.stdout.strip().splitlines()[-1].split())
    return seconds, after_import, peak


def tame_malloc() -> str:
    """Stop glibc from returning large freed blocks to the OS after every step.

    By default glibc serves blocks above a moving threshold with mmap and gives them back on
    free, so an implementation that allocates a fresh (batch x width) array every step pays
    for page faults each time: NumPy's curve turns jagged, 2-2.5x slower at some batch sizes.
    Raising both thresholds applies to every path in this process alike.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return "not glibc: allocator left as is"
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok = libc.mallopt(m_trim_threshold, 1 << 30) and libc.mallopt(m_mmap_threshold, 32 << 20)
    return ("glibc mallopt: M_TRIM_THRESHOLD=1 GiB, M_MMAP_THRESHOLD=32 MiB, for all paths"
            if ok else "glibc mallopt refused: allocator left as is")
