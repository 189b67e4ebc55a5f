"""Fresh processes for import time and memory, and the process settings the rounds run under
(the allocator, the thread variables)."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import numpy as np

from comparison import stats
from comparison.experiments.harness import timing
from comparison.results.provenance import REPO, THREAD_VARIABLES

# Run as a file (``python -P``), not as a module: importing the package first would load
# every library (the experiments package imports all its modules) and spoil both figures.
MEMORY_PROBE = REPO / "comparison" / "experiments" / "speed" / "memory_probe.py"


def thread_variables() -> dict[str, str]:
    return {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ}


def startup_times(repeats: int, impls: tuple[str, ...], threads: int, seed: int) -> dict:
    """Import time and peak memory of each implementation, each from fresh processes
    (``memory_probe``), the implementations interleaved in shuffled rounds."""
    samples = {impl: [] for impl in impls}
    for order in timing.shuffled_rounds(len(impls), repeats, seed):
        for index in order:
            samples[impls[index]].append(probe(impls[index], threads))
    imports = {impl: stats.median_interval([s[0] for s in found])
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


def probe(impl: str, threads: int) -> tuple[float, float, float]:
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
