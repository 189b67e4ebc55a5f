"""How fast is each implementation, where, and why?

Every *path* (a way of training) is timed on the same MNIST images and the same batch order:
seconds for a fixed number of training examples, repeated, reported as the median with min and
max, and converted to seconds per 50,000-example epoch and to achieved GFLOP/s. The machine's
own matrix-multiply peak is measured in the same run, so "achieved" has a yardstick.

Nothing else runs while this experiment times: no worker processes, no progress bars.
"""

from __future__ import annotations

import ctypes
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from comparison.data import load_dataset
from comparison.experiments.context import Context
from comparison.results.provenance import REPO
from comparison.training import TrainConfig, installed, minibatches
from comparison.training.runners import make_runner

SOURCES = ("experiments/speed.py", "experiments/memory_probe.py")
EPOCH = 50_000


@dataclass(frozen=True)
class TimedPath:
    """A way of training that is timed: an implementation with its settings."""

    impl: str
    dtype: str
    per_example: bool = False  # the book's one-example-at-a-time backprop (scratch only)
    compiled: bool = False  # torch.compile
    device: str = "cpu"


PATHS = {
    "book per-example (float64)": TimedPath("scratch", "float64", per_example=True),
    "scratch float64": TimedPath("scratch", "float64"),
    "scratch float32": TimedPath("scratch", "float32"),
    "torch float64": TimedPath("torch", "float64"),
    "torch float32": TimedPath("torch", "float32"),
    "torch.compile float32": TimedPath("torch", "float32", compiled=True),
    "torch CUDA float32": TimedPath("torch", "float32", device="cuda"),
    "keras float32": TimedPath("keras", "float32"),  # tensorflow-cpu: no CUDA path
}


@dataclass(frozen=True)
class Config:
    profile: str
    batch_sizes: tuple[int, ...]
    widths: tuple[int, ...]
    repeats: int
    examples: int  # training examples per timed repeat, at widths up to 100
    wide_examples: int  # ... and at wider layers
    per_example_max_width: int  # the per-example loop is not timed on wider layers
    thread_batch_sizes: tuple[int, ...]  # also timed on one thread
    compile_all: bool  # torch.compile at every point, or only at compile_at
    compile_at: tuple[tuple[int, int], ...]  # (mini-batch, width) points
    gemm_size: int
    import_repeats: int
    paths: tuple[str, ...] = ()
    implementations: tuple[str, ...] = ()
    seed: int = 0
    gpu: str | None = None
    datasets: tuple[str, ...] = ("mnist",)


PROFILES = {
    "smoke": dict(batch_sizes=(10, 100), widths=(30,), repeats=1, examples=200,
                  wide_examples=200, per_example_max_width=30, thread_batch_sizes=(10,),
                  compile_all=False, compile_at=(), gemm_size=128, import_repeats=1),
    "quick": dict(batch_sizes=(10, 100, 1000), widths=(30, 300), repeats=3, examples=5_000,
                  wide_examples=2_000, per_example_max_width=300, thread_batch_sizes=(10, 1000),
                  compile_all=False, compile_at=((100, 30),), gemm_size=512, import_repeats=3),
    "full": dict(batch_sizes=(10, 20, 50, 100, 200, 500, 1000, 2000),
                 widths=(30, 100, 300, 1000, 3000), repeats=5, examples=EPOCH,
                 wide_examples=10_000, per_example_max_width=300,
                 thread_batch_sizes=(10, 100, 1000), compile_all=True, compile_at=(),
                 gemm_size=2048, import_repeats=5),
}
BATCH_SWEEP_WIDTH, WIDTH_SWEEP_BATCH = 30, 100
MEMORY_PROBE = "comparison.experiments.memory_probe"
# Asked for with `--device cuda`, the run is a GPU record: it answers one question, from what
# size the GPU beats each implementation's fastest CPU path on the same machine, so it times
# only those. The rest of the CPU sweep is the CPU-only run's job.
GPU_RECORD_PATHS = ("scratch float32", "torch float32", "keras float32", "torch CUDA float32")


def make_config(profile: str, context: Context) -> Config:
    cuda = torch.cuda.is_available() and context.device != "cpu"
    gpu_record = cuda and context.device.startswith("cuda")
    paths = [name for name, path in PATHS.items()
             if (path.device == "cpu" or cuda) and path.impl in installed()
             and (name in GPU_RECORD_PATHS or not gpu_record)]
    return Config(profile=profile, **PROFILES[profile], paths=tuple(paths),
                  implementations=tuple(installed()), seed=context.seed,
                  gpu=torch.cuda.get_device_name(0) if cuda else None)


def run(config: Config, context: Context) -> dict:
    malloc = tame_malloc()
    data = load_dataset("mnist", context.data_dir)
    dtypes = ("float32", "float64")
    gemm = {"all_threads": {d: gemm_gflops(d, config.gemm_size) for d in dtypes}}
    with threadpool_limits(1), _torch_threads(1):
        gemm["one_thread"] = {d: gemm_gflops(d, config.gemm_size) for d in dtypes}
    plan = _plan(config)
    rows = []
    for path, batch_size, width, threads, sweep in tqdm(plan, desc="timing", disable=not
                                                        context.progress, unit="config"):
        row = time_path(path, data, batch_size, width, threads, config)
        threading = "all_threads" if threads == "all" else "one_thread"
        gflops_peak = gemm[threading][PATHS[path].dtype]["peak"]
        rows.append({"sweep": sweep, **row, "peak_gflops": gflops_peak,
                     "fraction_of_peak": row.get("gflops", 0) / gflops_peak})
    return {
        "rows": rows,
        "gemm_by_library": gemm,
        "crossovers": crossovers(rows),
        "imports": import_times(config.import_repeats, config.implementations),
        "memory": {impl: peak_memory_mb(impl) for impl in config.implementations},
        "malloc": malloc,
        "timing": "median of repeats; each repeat trains a fixed number of examples",
    }


def _plan(config: Config) -> list[tuple]:
    """Every (path, batch size, width, threads, sweep) to time."""
    plan = []
    for name in config.paths:
        path = PATHS[name]

        def timed(point: tuple[int, int], path: TimedPath = path) -> bool:
            return not path.compiled or config.compile_all or point in config.compile_at

        for b in config.batch_sizes:
            if timed((b, BATCH_SWEEP_WIDTH)):
                plan.append((name, b, BATCH_SWEEP_WIDTH, "all", "batch"))
            # TensorFlow sizes its thread pools once, at start-up: Keras runs on all threads
            one_thread_possible = (not path.compiled and path.device == "cpu"
                                   and path.impl != "keras")
            if b in config.thread_batch_sizes and one_thread_possible:
                plan.append((name, b, BATCH_SWEEP_WIDTH, 1, "threads"))
        for w in config.widths:
            if path.per_example and w > config.per_example_max_width:
                continue  # the per-example loop at this width would take minutes per repeat
            if timed((WIDTH_SWEEP_BATCH, w)):
                plan.append((name, WIDTH_SWEEP_BATCH, w, "all", "width"))
    return plan


def time_path(name: str, data, batch_size: int, width: int, threads, config: Config) -> dict:
    """Median seconds to train ``examples`` examples with one path, after one warm-up batch."""
    path = PATHS[name]
    examples = config.examples if width <= 100 else config.wide_examples
    train_config = TrainConfig(impl=path.impl, dtype=path.dtype, per_example=path.per_example,
                               device=path.device, hidden=(width,), batch_size=batch_size,
                               seed=config.seed)
    row = {"path": name, "batch_size": batch_size, "width": width, "threads": threads}
    with ExitStack() as limits:
        if threads == 1:
            limits.enter_context(threadpool_limits(1))
            limits.enter_context(_torch_threads(1))
        runner = make_runner(train_config, data, EPOCH)
        batches = _batches(len(data.train), batch_size, examples, config.seed)
        try:
            if path.compiled:
                runner.compile()
            row["first_batch_seconds"] = _timed(runner, batches[:1], path.device)
        except Exception as error:  # torch.compile needs a C++ toolchain; say why it failed
            return row | {"status": f"failed: {type(error).__name__}: {error}"[:300]}
        seconds = [_timed(runner, batches, path.device) for _ in range(config.repeats)]
    n = len(batches) * batch_size
    median = statistics.median(seconds)
    return row | {
        "status": "ok", "examples": n, "repeats": len(seconds),
        "median_s": median, "min_s": min(seconds), "max_s": max(seconds),
        "seconds_per_epoch": median * EPOCH / n, "examples_per_s": n / median,
        "gflops": train_flops_per_example(train_config.sizes()) * n / median / 1e9,
    }


def _batches(n: int, batch_size: int, examples: int, seed: int) -> list[np.ndarray]:
    """Full mini-batches covering ``examples`` examples, reshuffling when the data runs out."""
    rng, batches = np.random.default_rng(seed), []
    while len(batches) * batch_size < examples:
        batches += [b for b in minibatches(n, batch_size, rng) if len(b) == batch_size]
    return batches[: max(1, examples // batch_size)]


def _timed(runner, batches, device: str) -> float:
    start = time.perf_counter()
    runner.train_epoch(batches)
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def train_flops_per_example(sizes: list[int]) -> int:
    """Multiply-adds (x2) of one training step per example.

    Forward: 2 n_in n_out per layer. Backward: the weight gradient, 2 n_in n_out per layer,
    and the error passed down, 2 n_in n_out per layer except the first: nobody needs the
    gradient with respect to the input pixels. Element-wise work is not counted.
    """
    layers = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2 * sum(layers) + 2 * sum(layers) + 2 * sum(layers[1:])


def gemm_gflops(dtype: str, n: int, repeats: int = 5) -> dict[str, float]:
    """Median GFLOP/s of an n x n matrix product in each library, and the better of the two.

    Each library calls its own BLAS, so this also tells whether one library's matrix
    products are simply faster on this CPU.
    """
    a = np.random.default_rng(0).random((n, n)).astype(dtype)
    t = torch.from_numpy(a)
    result = {}
    for library, multiply in (("numpy", lambda: a @ a), ("torch", lambda: t @ t)):
        multiply()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            multiply()
            times.append(time.perf_counter() - start)
        result[library] = 2 * n**3 / statistics.median(times) / 1e9
    return result | {"peak": max(result.values())}


def crossovers(rows: list[dict]) -> dict:
    """For each sweep and dtype: the points where PyTorch is faster than the scratch code."""
    found = {}
    for sweep, key in (("batch", "batch_size"), ("width", "width")):
        for dtype in ("float32", "float64"):
            speed = {(r["path"], r[key]): r["examples_per_s"] for r in rows
                     if r["sweep"] == sweep and r["status"] == "ok"}
            points = sorted({k for _, k in speed})
            faster = [k for k in points if speed.get((f"torch {dtype}", k), 0)
                      > speed.get((f"scratch {dtype}", k), float("inf"))]
            # the first point from which PyTorch stays ahead at every larger point
            stays = next((k for k in points if all(p in faster for p in points if p >= k)), None)
            found[f"{sweep}_{dtype}"] = {"torch_faster_at": faster, "torch_ahead_from": stays,
                                         "points": points}
    return found


def import_times(repeats: int, impls: list[str]) -> dict:
    """Median seconds for a fresh interpreter to import each implementation."""
    modules = {"scratch": "comparison.scratch", "torch": "torch",
               "keras": "comparison.keras.network"}
    code = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    return {impl: statistics.median(float(_python("-c", code.format(module)))
                                    for _ in range(repeats))
            for impl, module in modules.items() if impl in impls}


def peak_memory_mb(impl: str) -> dict:
    """Peak resident memory of a fresh process: after importing, and after training."""
    after_import, after_training = map(float, _python("-m", MEMORY_PROBE, impl).split())
    return {"after_import_mb": after_import, "peak_mb": after_training,
            "training_mb": after_training - after_import}


def _python(*args: str) -> str:
    # From the project root, so that the fresh interpreter can import the package.
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                            check=True, cwd=REPO)
    return result.stdout.strip().splitlines()[-1]


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


@contextmanager
def _torch_threads(n: int):
    saved = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(saved)
