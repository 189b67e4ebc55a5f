"""The plan of what is timed: each profile's sizes, and every job (a path at a point) with the
sweeps it belongs to."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from comparison import stats
from comparison.experiments.harness import machine
from comparison.experiments.harness.context import Context
from comparison.experiments.speed.paths import (
    BATCH_SWEEP_WIDTH,
    CONV_WIDTH,
    NOISE_PATHS,
    NOISE_POINT,
    PATHS,
    SPLIT_PATHS,
    THREAD_PATHS,
    WIDTH_SWEEP_BATCH,
    TimedPath,
    conv_paths,
    on_gpu_record,
)
from comparison.training import installed, minibatches


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
    "quick": dict(batch_sizes=(10, 100), widths=(30, 300), repeats=stats.MIN_SAMPLES,
                  examples=500, wide_examples=500, min_steps=5, images=2_000,
                  per_example_batch_sizes=(10,), per_example_max_width=30,
                  compile_points=((100, 30),), thread_points=((10, 30), (100, 300)),
                  conv_batch_sizes=(10,), conv_examples=100, gap_points=((100, 300),),
                  gemm_size=512, probe_repeats=1),
    # 15 rounds: with 9, two quiet runs called 27 of 173 comparisons decided in one and tied
    # in the other (intervals touching 1); 15 narrow every interval (its order statistics
    # move inwards) for 2.5 more minutes
    "full": dict(batch_sizes=(10, 20, 50, 100, 200, 500, 1000, 2000),
                 widths=(30, 100, 300, 1000, 3000), repeats=15, examples=5_000,
                 wide_examples=2_000, min_steps=10, images=5_000,
                 per_example_batch_sizes=(10, 100), per_example_max_width=30,
                 compile_points=((10, 30), (100, 30), (1000, 30), (100, 3000)),
                 thread_points=((10, 30), (100, 1000)), conv_batch_sizes=(10, 50),
                 conv_examples=500,
                 gap_points=((10, 30), (100, 30), (100, 100), (100, 300), (100, 1000),
                             (100, 3000)),
                 gemm_size=1024, probe_repeats=stats.MIN_SAMPLES),
}


# A GPU record keeps only what its question needs: the two sweeps (and the noise twins, which
# gate every verdict). On a 16-core H100 machine the whole full profile did not fit the
# 15-minute loan: set-up 45 s, 2,250 samples in 5 min 53 s (the 16-count thread sweep and the
# products among them), then the split and the fresh processes, unfinished at 9 minutes.
GPU_RECORD = dict(thread_points=(), conv_batch_sizes=(), gap_points=(), probe_repeats=0)


def make_config(profile: str, context: Context) -> Config:
    cuda = torch.cuda.is_available() and context.device != "cpu"
    gpu_record = cuda and context.device.startswith("cuda")
    paths = [name for name, path in PATHS.items()
             if path.impl in installed()
             and (path.device == "cpu" or (cuda and _cuda_in(path.impl)))
             and (on_gpu_record(path) or not gpu_record)]
    sizes = PROFILES[profile] | (GPU_RECORD if gpu_record else {})
    return Config(profile=profile, **sizes,
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
        for name in (p for p in conv_paths() if p in config.paths):
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


def steps_per_sample(config: Config, spec: Spec) -> int:
    """Mini-batches per sample: the profile's examples, but never fewer than min_steps."""
    examples = (config.conv_examples if spec.variant == "conv" else config.examples
                if spec.width <= 100 else config.wide_examples)
    return max(config.min_steps, math.ceil(examples / spec.batch_size))


def batches_of(n: int, batch_size: int, steps: int, seed: int) -> list[np.ndarray]:
    """``steps`` full mini-batches of the n images, reshuffling when they run out."""
    rng, batches = np.random.default_rng(seed), []
    while len(batches) < steps:
        batches += [b for b in minibatches(n, batch_size, rng) if len(b) == batch_size]
    return batches[:steps]
