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

The experiment's rooms: ``paths.py`` (what is timed), ``plan.py`` (each profile's sizes and
the jobs), ``rounds.py`` (setting jobs up and timing them), ``findings.py`` (ratios, outcomes,
crossovers, noise floor), ``split.py`` (where a step's time goes), ``probes.py`` (fresh
processes for import time and memory) and ``result.py`` (what ``run`` returns). The harness
(``timing.py``), the machine (``machine.py``) and the products (``products.py``) live beside
the experiments.

Beside the book-faithful NumPy code, the *tuned* NumPy code (``scratch/tuned.py``, subnormal
floats flushed to zero as XLA does) is timed at every point, and at the split's points each of
its habits alone (``SPLIT_PATHS``), so that the NumPy step splits into products, subnormals,
allocation and the rest.

Budget, on 2 idle cores (estimated from per-example costs measured one path at a time on
this machine: NumPy 10 us per example at mini-batch 10, PyTorch 50, Keras about 100, the
book's loop 150; 0.3-0.6 ms per example at width 3000). One pass over every job of the full
profile costs about 30 s: the mini-batch sweep 7 s, the width sweep 14 s (width 3000 alone
7 s), the thread sweep 2 s, the conv variant 4.5 s, the split and the products 2 s. The
warm-up and 15 rounds make 16 passes, 480 s; set-up adds about 85 s (torch.compile at 4
points, XLA at 12) and the fresh processes for import time and memory about 55 s (6 per
implementation): about 10.5 minutes (9 min 36 s measured, the settling waits included).
The quick profile: 7 passes of about 4 s, 20 s of set-up, 10 s of fresh processes: about a
minute.
"""

from __future__ import annotations

from comparison.data import load_dataset
from comparison.experiments.harness import machine
from comparison.experiments.harness.context import Context
from comparison.experiments.speed.findings import (
    comparisons,
    crossovers,
    noise_floor,
    thread_speedups,
    yardstick,
)
from comparison.experiments.speed.memory_probe import probe_file
from comparison.experiments.speed.paths import PATHS, SPLIT_PATHS, TUNED
from comparison.experiments.speed.plan import Config, make_config, thread_counts
from comparison.experiments.speed.probes import startup_times, tame_malloc, thread_variables
from comparison.experiments.speed.result import Result
from comparison.experiments.speed.rounds import (
    images,
    rows_of,
    static_compiles,
    time_everything,
    train_flops_per_example,
    with_peak,
)
from comparison.experiments.speed.split import step_split
from comparison.implementations import names
from comparison.results import typed

# Import time and memory are measured by a script run in fresh processes, which loads each
# implementation's probe (``<impl>/probe.py``) from its file.
READS = ("experiments/speed/memory_probe.py",
         *(f"{name}/probe.py" for name in names() if probe_file(name).is_file()))
# What the runner, the pages and the tests use of the experiment, besides ``run``
__all__ = ["PATHS", "READS", "SPLIT_PATHS", "TUNED", "Result", "comparisons", "make_config",
           "run", "thread_counts", "train_flops_per_example"]


def run(config: Config, context: Context) -> Result:
    """Time every job; the rounds and findings make plain rows and records (the CSV's rows
    among them), which are read here into ``Result``, checked field by field."""
    if config.images < max(config.batch_sizes):
        raise ValueError(f"the speed profile draws {config.images} images but its largest "
                         f"mini-batch is {max(config.batch_sizes)}: raise `images`")
    cpus = machine.usable_cpus()
    before = machine.snapshot(cpus["affinity"])
    malloc = tame_malloc()
    data = images(load_dataset("mnist", context.data_dir), config.images)
    tensorflow = (machine.tensorflow_threads(config.threads)
                  if any(PATHS[p].impl == "keras" for p in config.paths) else None)
    xla = (machine.jax_threads() if any(PATHS[p].impl == "jax" for p in config.paths)
           else None)
    with machine.Threads(config.threads) as threads, static_compiles(config):
        timed, micro, recompiled, unsettled = time_everything(config, context, data, threads)
        gap = step_split(config, timed, micro, threads)
        pools = threads.record()
    gemm = yardstick(micro, config.threads)
    rows = [with_peak(row, gemm, config.threads) for t in timed for row in rows_of(t)]
    found = comparisons(rows)
    del timed  # the runners: free their memory before the fresh processes start
    probed = tuple(impl for impl in config.implementations if probe_file(impl).is_file())
    startup = (startup_times(config.probe_repeats, probed, config.threads, config.seed)
               if config.probe_repeats else {"imports": {}, "import_intervals": {}, "memory": {}})
    after = machine.snapshot(cpus["affinity"])
    return typed.from_json(Result, {
        "config": typed.to_json(config),
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
                                "environment": thread_variables()},
                    "recompiled_during_timing": recompiled, "unsettled_samples": unsettled},
        **startup,
        "malloc": malloc,
        "timing": "shuffled rounds; median of samples with an order-statistic interval",
    })

