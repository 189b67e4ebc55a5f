"""One timing protocol for every timed path.

The protocol (the methodology page states it with these constants):

* every job (a path at a point) is set up and warmed up first, untimed;
* then ``rounds`` rounds: each round runs every job once, in a fresh seeded shuffle, so that
  background load and clock drift fall on all jobs alike, and a noise-floor *twin* (the same
  job built twice) runs half a round away from its original;
* before every sample the harness waits until this process's own threads have gone quiet
  (``settle``): the job before may leave its library's worker threads spinning (OpenBLAS's spin
  on for a while after each call), and on a machine with few cores those threads
  would take the cores of the job being timed (a program that uses one library has no other
  library's threads beside it);
* every sample is kept (``times_s``). A job's figure is the median of its samples with a
  distribution-free interval for the median (order statistics); a comparison of two jobs is the
  median of their *paired* ratios (samples of one round: same minute, same machine state) with
  the same kind of interval (``comparison/stats.py`` holds those statistics and the rule that
  reads them).

The clock is ``torch.utils.benchmark``'s (``perf_counter``, after synchronising any
accelerator). Its ``Timer`` warms up and calibrates micro-benchmarks (``blocked_autorange``);
the rounds are run here because ``Timer`` cannot interleave jobs, and because ``timeit`` adds
two untimed warm-up calls before every sample, which would triple the cost of timing a training
repeat that lasts a second.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

BLOCK_SECONDS = 0.01  # a micro-benchmark sample runs its statement for at least this long
CALIBRATION_SECONDS = 0.05  # blocked_autorange's warm-up and block-size search
# Before each sample: watch this process's CPU time over windows this long, until its threads
# use under this share of one core in a window, but never wait longer than SETTLE_LIMIT_S.
SETTLE_WINDOW_S = 0.01
SETTLE_BUSY = 0.2
SETTLE_LIMIT_S = 1.0


def shuffled_rounds(n_jobs: int, rounds: int, seed: int,
                    twins: dict[int, int] | None = None) -> list[list[int]]:
    """Job indices in the order each round runs them: every job once per round, shuffled
    afresh each round (seeded). ``twins`` maps a twin's index to its original's: the twin is
    placed half a round away from the original, so the two see different moments."""
    twins = twins or {}
    rng = np.random.default_rng(seed)
    plain = [i for i in range(n_jobs) if i not in twins]
    schedule = []
    for _ in range(rounds):
        order = [plain[i] for i in rng.permutation(len(plain))]
        for twin, original in twins.items():
            order.insert((order.index(original) + len(order) // 2) % len(order) + 1, twin)
        schedule.append(order)
    return schedule


@dataclass(eq=False)
class Job:
    """Something timed: ``run`` does one sample's work, ``number`` times per sample (more than
    once only for micro-benchmarks, calibrated), with the library pools at ``threads``."""

    name: str
    run: Callable[[], object]
    threads: int
    micro: bool = False  # calibrated with blocked_autorange instead of one warm-up call
    number: int = 1
    times: list[float] = field(default_factory=list)
    unsettled: int = 0  # samples that began before the process's threads had gone quiet


def warm_up(jobs: Sequence[Job], use_threads: Callable[[int], None]) -> None:
    """Run every job once, untimed (micro-benchmarks: calibrate them, which warms them up)."""
    for job in jobs:
        use_threads(job.threads)
        if job.micro:
            _calibrate(job)
        else:
            job.run()


def time_rounds(jobs: Sequence[Job], rounds: int, seed: int,
                use_threads: Callable[[int], None], twins: dict[int, int] | None = None,
                progress: Callable[[], None] | None = None) -> None:
    """Time ``rounds`` shuffled rounds of warmed-up jobs into each job's ``times``."""
    for order in shuffled_rounds(len(jobs), rounds, seed, twins):
        for index in order:
            job = jobs[index]
            use_threads(job.threads)
            if not settle():
                job.unsettled += 1
            job.times.append(_sample(job))
            if progress:
                progress()


def settle(window: float = SETTLE_WINDOW_S, busy: float = SETTLE_BUSY,
           limit: float = SETTLE_LIMIT_S) -> bool:
    """Sleep until this process's threads stop working: its CPU time (every thread's, while
    this one sleeps) grows by under ``busy`` of a window in a window. False if it never did
    within ``limit`` seconds."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        cpu = time.process_time()
        time.sleep(window)
        if time.process_time() - cpu < busy * window:
            return True
    return False


def _calibrate(job: Job) -> None:
    """Warm a micro-benchmark up and choose its calls per sample (``blocked_autorange``
    makes the timer's own overhead negligible; a block also lasts BLOCK_SECONDS or more)."""
    from torch.utils.benchmark import Timer

    found = Timer(stmt="run()", globals={"run": job.run}, num_threads=job.threads
                  ).blocked_autorange(min_run_time=CALIBRATION_SECONDS)
    job.number = max(found.number_per_run, math.ceil(BLOCK_SECONDS / found.median))


def _sample(job: Job) -> float:
    """Seconds per call of one sample. The garbage collector waits until the sample ends, as
    under ``timeit``, so that no sample pays for another's garbage."""
    from torch.utils.benchmark import timer

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = timer()
        for _ in range(job.number):
            job.run()
        return (timer() - start) / job.number
    finally:
        if was_enabled:
            gc.enable()
