"""What every experiment is given, and a way to run independent jobs side by side."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from tqdm import tqdm

from comparison.data import load_dataset
from comparison.results.provenance import THREAD_VARIABLES
from comparison.training import TrainConfig, train

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Context:
    data_dir: str | None = None
    device: str = "auto"
    seed: int = 0
    progress: bool = True
    workers: int = os.cpu_count() or 1


XLA_ONE_THREAD = ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1")


def run_parallel(function: Callable, jobs: Sequence[tuple], context: Context, desc: str) -> list:
    """``[function(*job) for job in jobs]``, one single-threaded process per core.

    Independent training runs go faster side by side than one after another with two BLAS
    threads each. Never used while timing: the speed experiment runs alone.
    """
    bar = tqdm(total=len(jobs), desc=desc, disable=not context.progress, unit="run")
    if context.workers <= 1 or len(jobs) <= 1:
        results = []
        for job in jobs:
            results.append(function(*job))
            bar.update()
        bar.close()
        return results
    # Workers start on the first submit, so the variables must still be set then.
    with _single_threaded_children(), worker_pool(context.workers) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        for future in futures:
            future.add_done_callback(lambda _: bar.update())
        results = [future.result() for future in futures]
    bar.close()
    return results


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh (spawned) processes that die with this one.

    Without that, a ``kill -9`` of a run would leave its workers training for minutes, and
    the resource tracker waiting for them.
    """
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    """In a worker: ask the kernel for SIGTERM when the parent dies (Linux's
    ``PR_SET_PDEATHSIG``); elsewhere, do nothing. If the parent died before the request was
    made, it would never come, so exit now instead."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):  # not Linux, or no C library to ask
        return
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


def train_history(data_dir: str | None, config: TrainConfig) -> dict:
    """One training run's per-epoch history: a job for ``run_parallel`` (a top-level
    function, so that worker processes can import it)."""
    return train(config, _dataset(config.dataset, data_dir), progress=False)["history"]


@lru_cache(maxsize=2)  # MNIST and Fashion-MNIST
def _dataset(name: str, data_dir: str | None):
    """A worker trains many runs on the same data: read and verify it once per process
    (about a second each time on a 2-core machine)."""
    return load_dataset(name, data_dir)


@contextmanager
def _single_threaded_children():
    """Children read the thread variables when NumPy and PyTorch load, so set them first
    (and XLA's flags, which JAX reads when it starts: one thread for its CPU work)."""
    saved = {name: os.environ.get(name) for name in (*THREAD_VARIABLES, "XLA_FLAGS")}
    os.environ.update({name: "1" for name in THREAD_VARIABLES})
    os.environ["XLA_FLAGS"] = " ".join(filter(None, (os.environ.get("XLA_FLAGS"),
                                                     *XLA_ONE_THREAD)))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
