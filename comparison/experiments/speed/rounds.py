"""The timed rounds: every job set up, warmed up and timed in the same shuffled rounds, and
the figures each job's samples give."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import torch
from tqdm import tqdm

from comparison import stats
from comparison.data import Dataset
from comparison.experiments.harness import machine, products, timing
from comparison.experiments.harness.context import Context
from comparison.experiments.speed.paths import EPOCH, PATHS, TimedPath
from comparison.experiments.speed.plan import Config, Spec, batches_of, plan, steps_per_sample
from comparison.training import TrainConfig
from comparison.training.runners import make_runner
from comparison.training.variants import VARIANTS, resolved


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


def images(data: Dataset, n: int) -> Dataset:
    """The first ``n`` training images, and no evaluation data: every runner holds its own
    copy of what it is given, and a hundred runners stay alive for the rounds."""
    return replace(data, train=data.train.head(n), validation=data.validation.head(1),
                   test=data.test.head(1))


def time_everything(config: Config, context: Context, data: Dataset,
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
    graphs = graphs_built()
    with tqdm(total=config.repeats * len(jobs), desc="timing", unit="sample",
              disable=not context.progress) as bar:
        timing.time_rounds(jobs, config.repeats, config.seed, threads.use, twins, bar.update)
    return (timed, [product_row(key, job) for key, job in micro], graphs_built() - graphs,
            sum(job.unsettled for job in jobs))


def _set_up(spec: Spec, sweeps: list[str], config: Config, data: Dataset,
            threads: machine.Threads) -> Timed:
    """Build the spec's runner, switch its options on and time its first mini-batch (the
    compile time, for compiled paths); a failure is recorded, not raised."""
    path = PATHS[spec.path]
    steps = steps_per_sample(config, spec)
    timed = Timed(spec, sweeps, steps, row={"path": spec.path, "batch_size": spec.batch_size,
                                            "width": spec.width, "threads": spec.threads,
                                            "variant": spec.variant})
    # the variant's own settings (the conv variant's smaller eta), but the spec's width
    settings = resolved({}, VARIANTS[spec.variant], {"hidden": (spec.width,)})
    train_config = TrainConfig(impl=path.impl, dtype=path.dtype, per_example=path.per_example,
                               device=path.device, tuned=path.tuned,
                               batch_size=spec.batch_size, seed=config.seed,
                               variant=spec.variant, **settings)
    threads.use(spec.threads)
    try:
        runner = make_runner(train_config, data, EPOCH)
        batches = batches_of(len(data.train), spec.batch_size, steps, config.seed)
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


def _keras_options(path: TimedPath, runner) -> dict:
    """Keras's effective settings, as the compiled model reports them (``jit_compile="auto"``
    resolves to off on a CPU-only machine)."""
    if path.impl != "keras":
        return {}
    return {"jit_compile": bool(runner.model.jit_compile),
            "steps_per_execution": int(runner.model.steps_per_execution)}


def rows_of(timed: Timed) -> Iterator[dict]:
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
    found = stats.median_interval(times)
    per_epoch = EPOCH / examples
    sizes = TrainConfig(hidden=(spec.width,)).sizes()
    work = train_flops_per_example(sizes) * examples if spec.variant == "baseline" else 0
    return {"examples": examples, "steps": timed.steps, "repeats": len(times),
            "times_s": times, "median_s": found.median, "low_s": found.low,
            "high_s": found.high, "coverage": found.coverage,
            "seconds_per_epoch": found.median * per_epoch,
            "epoch_low_s": found.low * per_epoch, "epoch_high_s": found.high * per_epoch,
            "examples_per_s": examples / found.median, "gflops": work / found.median / 1e9}


def with_peak(row: dict, gemm: dict, threads: int) -> dict:
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


def product_row(key: dict, job: timing.Job) -> dict:
    found = stats.median_interval(job.times)
    work = products.flops(tuple(key["shape"]))
    return key | {"calls_per_sample": job.number, "times_s": job.times,
                  "median_s": found.median, "low_s": found.low, "high_s": found.high,
                  "gflops": work / found.median / 1e9, "gflops_low": work / found.high / 1e9,
                  "gflops_high": work / found.low / 1e9}


def static_compiles(config: Config):
    """torch.compile as each point would compile alone: one static graph per shape (no
    automatic dynamic shapes once a second shape appears), and room for a graph per point."""
    return torch._dynamo.config.patch(automatic_dynamic_shapes=False,
                                      recompile_limit=max(8, 2 * len(config.compile_points)))


def graphs_built() -> int:
    """Graphs torch.compile has built so far in this process (to catch a recompile inside
    the timed rounds, which would put compile time into a sample)."""
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])

