"""Import time and peak memory of one implementation, measured in a fresh process of its own.

    PYTHONPATH=. python -P comparison/experiments/speed/memory_probe.py scratch|torch|keras|jax

(a file, not ``-m comparison.experiments.speed.memory_probe``: the package's ``__init__`` imports
every experiment, and so every library, before the probe could start its clock).

Loads the implementation's ``probe.py`` from its file (``comparison/<name>/probe.py``, so that
no package ``__init__`` runs first), times its ``load`` (the imports), trains 784-30-10 on
1,000 random examples at mini-batch 10 with its ``train`` (peak memory is reached within the
first steps), and prints the seconds the imports took and the peak resident memory (MB) after
the imports and after training. A fresh process, because an import is slow only once and peak
memory only grows: in the experiment's own process every library is loaded.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

EXAMPLES, BATCH = 1_000, 10
PACKAGE = Path(__file__).resolve().parents[2]


def high_water_mb() -> float:
    """Peak resident memory so far (VmHWM). Not ru_maxrss: Linux carries that over from the
    parent through fork and exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this probe needs Linux")


def probe_file(name: str) -> Path:
    return PACKAGE / name / "probe.py"


def measure(name: str) -> tuple[float, float, float]:
    """(import seconds, MB after the imports, peak MB after training) of implementation
    ``name``."""
    spec = importlib.util.spec_from_file_location(f"probe_{name}", probe_file(name))
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    start = time.perf_counter()
    loaded = probe.load()
    seconds, after_import = time.perf_counter() - start, high_water_mb()
    probe.train(loaded, EXAMPLES, BATCH)
    return seconds, after_import, high_water_mb()


if __name__ == "__main__":
    print(*measure(sys.argv[1]))
