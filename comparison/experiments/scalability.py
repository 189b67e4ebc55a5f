"""Does PyTorch's distributed training work here, and what do two processes buy?

The PyTorch network is trained with DistributedDataParallel, started by ``torchrun`` with the
gloo backend on the loopback interface, with 1 and with 2 processes. Both see the same global
mini-batches, so they compute the same updates: the replicas must stay identical, and the
2-process result must equal the 1-process one to round-off.

A fair baseline: the machine's usable CPUs are shared out, so the single process gets all of
them as threads and each of the two processes half. (Pinning the single process to one thread
would compare two cores with one.) Each epoch is timed; the speed-up is the median of the
per-epoch ratios with its order-statistic interval (``timing.py``), so the full profile trains
``stats.MIN_SAMPLES`` epochs, the fewest that give a 95% interval.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparison import stats
from comparison.data import load_dataset
from comparison.experiments.harness import machine
from comparison.experiments.harness.context import Context
from comparison.results.provenance import REPO
from comparison.stats import Ratio

# The DDP worker runs under torchrun, in processes of its own.
READS = ("experiments/ddp_worker.py",)
# smoke and quick: one mini-batch, since each torchrun launch costs about 6 s on 2 cores (the
# test suite runs the smoke profile twice)
PROFILES = {"smoke": dict(train_size=200, epochs=1, batch_sizes=(100,)),
            "quick": dict(train_size=2_000, epochs=2, batch_sizes=(100,)),
            "full": dict(train_size=20_000, epochs=stats.MIN_SAMPLES)}
WORKER = "comparison.experiments.ddp_worker"
# torchrun, started so that it dies with this process: a killed run must not leave it and its
# workers training. ``die_with_parent`` asks the kernel for SIGTERM when this process dies, and
# on SIGTERM torchrun stops its workers.
LAUNCH = ("import runpy, sys; from comparison.experiments.harness.context import die_with_parent; "
          "die_with_parent(int(sys.argv.pop(1))); sys.argv[0] = 'torchrun'; "
          "runpy.run_module('torch.distributed.run', run_name='__main__')")


@dataclass(frozen=True)
class Config:
    profile: str
    train_size: int
    epochs: int
    processes: tuple[int, ...] = (1, 2)
    batch_sizes: tuple[int, ...] = (10, 100)  # global mini-batches
    eta: float = 0.5
    seed: int = 0
    cpus: int = 1  # the CPUs this run may use, shared out between the processes
    datasets: tuple[str, ...] = ("mnist",)

    def threads(self, processes: int) -> int:
        """Threads per process: the usable CPUs shared out (at least one each)."""
        return max(1, self.cpus // processes)


# 2 processes give the 1-process result when they reach the same test accuracy (within 0.1
# points: 10 of 10,000 test images) with replicas kept identical. Their parameters are not
# compared exactly: DDP averages float32 gradients in another order, and that round-off grows
# with the steps (2e-6 after one quick epoch, 6e-4 after the full profile's three), so any
# fixed parameter tolerance is right for one run length and wrong for another. The parameter
# difference is reported beside the verdict.
SAME_ACCURACY = 0.001
SAME_RESULT = 1e-4  # the replicas: DDP broadcasts one update to both, so they stay identical


@dataclass(frozen=True)
class Run:
    """One launch: a global mini-batch trained by 1 or by 2 processes."""

    batch_size: int  # global
    processes: int
    threads_per_process: int
    median_epoch_s: float
    epoch_s: tuple[float, ...]  # each epoch's seconds
    speedup: float  # the 1-process run's median epoch time / this run's
    test_accuracy: float
    replica_max_difference: float  # between the processes' replicas at the end


@dataclass(frozen=True)
class Result:
    config: Config
    rows: tuple[Run, ...]
    speedup: dict[int, Ratio]  # global mini-batch -> 1-process epoch time / 2-process
    one_vs_two_max_difference: float  # largest parameter difference, 2 processes against 1
    replica_max_difference: float  # largest over the runs
    cores: int  # the CPUs shared out

    @property
    def accuracy_gap(self) -> float:
        """The largest |2-process test accuracy - 1-process|, over the mini-batches."""
        accuracy = {(r.batch_size, r.processes): r.test_accuracy for r in self.rows}
        return max(abs(accuracy[b, 2] - accuracy[b, 1]) for b, n in accuracy if n == 1)

    @property
    def works(self) -> bool:
        """Whether 2 processes gave the 1-process result (``SAME_ACCURACY``, ``SAME_RESULT``)."""
        return (self.accuracy_gap <= SAME_ACCURACY
                and self.replica_max_difference <= SAME_RESULT)


def make_config(profile: str, context: Context) -> Config:
    return Config(profile=profile, **PROFILES[profile], seed=context.seed,
                  cpus=machine.usable_cpus()["usable"])


def run(config: Config, context: Context) -> Result:
    data = load_dataset("mnist", context.data_dir)
    with tempfile.TemporaryDirectory() as folder:
        arrays = Path(folder) / "data.npz"
        np.savez(arrays, x_train=data.train.x[: config.train_size],
                 y_train=data.train.y[: config.train_size], x_test=data.test.x,
                 y_test=data.test.y)
        runs = {(b, n): _torchrun(n, b, arrays, Path(folder) / f"{b}-{n}.json", config)
                for b in config.batch_sizes for n in config.processes}
    rows, speedup, difference = [], {}, 0.0
    for b in config.batch_sizes:
        one, two = runs[b, 1], runs[b, 2]
        difference = max(difference, float(np.max(np.abs(
            np.array(one.pop("parameters")) - np.array(two.pop("parameters"))))))
        speedup[b] = _speedup(one["seconds"], two["seconds"])
        rows += [Run(b, n, config.threads(n), float(np.median(r["seconds"])),
                     tuple(r["seconds"]),
                     float(np.median(one["seconds"]) / np.median(r["seconds"])),
                     r["test_accuracy"], r["replica_max_difference"])
                 for n, r in ((1, one), (2, two))]
    return Result(config, tuple(rows), speedup, difference,
                  max(r.replica_max_difference for r in rows), config.cpus)


def _speedup(one: list[float], two: list[float]) -> Ratio:
    """1-process epoch time / 2-process epoch time, epoch by epoch (the k-th epochs of both
    runs train on the same batches), with its interval."""
    return Ratio.of(stats.paired_ratio(one, two))


def _torchrun(processes: int, batch_size: int, arrays: Path, out: Path, config: Config) -> dict:
    command = torchrun_command(processes, "-m", WORKER, "--arrays", str(arrays),
                               "--out", str(out), "--epochs", str(config.epochs),
                               "--batch-size", str(batch_size), "--eta", str(config.eta),
                               "--seed", str(config.seed))
    env = os.environ | {"OMP_NUM_THREADS": str(config.threads(processes)),
                        "GLOO_SOCKET_IFNAME": "lo"}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"torchrun with {processes} processes failed:\n{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def torchrun_command(processes: int, *worker: str) -> list[str]:
    """``torchrun --standalone --nproc_per_node=N <worker...>``, dying with this process."""
    return [sys.executable, "-c", LAUNCH, str(os.getpid()), "--standalone",
            f"--nproc_per_node={processes}", *worker]
