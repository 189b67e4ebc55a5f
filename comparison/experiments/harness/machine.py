"""The machine a timing ran on: the CPUs it may use, its thread pools, and how busy it was.

* **Usable CPUs**: the CPUs the scheduler lets this process run on (``sched_getaffinity``),
  capped by the cgroup's CPU quota (a container given 2 CPUs' worth of time on a 64-core host
  can use 2, whatever ``os.cpu_count()`` says). Every library's pools are set to that count.
* **Busy**: how much of those CPUs *other* work used while this process slept for
  ``IDLE_WINDOW_S`` before and after timing, and how much time the hypervisor stole during the
  whole run (``/proc/stat``). Not the load average alone: it counts this process's own work,
  and the previous experiment's workers, for a minute after they stop.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path

BUSY_SHARE = 0.25  # busy: other work took more than this share of the usable CPUs (one
# busy core of two must count: it halves what a multi-threaded path can use)
BUSY_STEAL = 0.05  # ... or the hypervisor stole more than this share of CPU time
IDLE_WINDOW_S = 1.0  # how long to sleep while watching the others' work
CGROUP = Path("/sys/fs/cgroup")
PROC = Path("/proc")


def cgroup_quota(root: Path = CGROUP) -> float | None:
    """CPUs' worth of time the cgroup may use per period (v2 ``cpu.max``, or v1
    ``cfs_quota_us / cfs_period_us``); None when unlimited or unreadable."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    for folder in (root / "cpu", root / "cpu,cpuacct"):
        try:
            quota = int((folder / "cpu.cfs_quota_us").read_text())
            period = int((folder / "cpu.cfs_period_us").read_text())
        except (OSError, ValueError):
            continue
        return None if quota <= 0 else quota / period
    return None


def usable_cpus(root: Path = CGROUP) -> dict:
    """The CPUs this process may run on, the quota, and the count the pools are set to."""
    affinity = sorted(os.sched_getaffinity(0))
    quota = cgroup_quota(root)
    usable = len(affinity) if quota is None else max(1, min(len(affinity), math.floor(quota)))
    return {"affinity": affinity, "quota_cpus": quota, "usable": usable,
            "logical_cpus": os.cpu_count()}


def cpu_ticks(cpus: list[int], proc: Path = PROC) -> dict[str, int]:
    """Ticks since boot summed over ``cpus`` (``/proc/stat``): total, idle, steal."""
    totals = {"total": 0, "idle": 0, "steal": 0}
    wanted = {f"cpu{c}" for c in cpus}
    for line in (proc / "stat").read_text().splitlines():
        name, *fields = line.split()
        if name in wanted:
            # user nice system idle iowait irq softirq steal (guest time is inside user)
            ticks = [int(f) for f in fields[:8]]
            totals["total"] += sum(ticks)
            totals["idle"] += ticks[3] + ticks[4]
            totals["steal"] += ticks[7]
    return totals


def load_average(proc: Path = PROC) -> list[float]:
    return [float(x) for x in (proc / "loadavg").read_text().split()[:3]]


def others_share(cpus: list[int], window: float = IDLE_WINDOW_S, proc: Path = PROC) -> float:
    """The share of ``cpus`` that other work kept busy while this process slept."""
    before = cpu_ticks(cpus, proc)
    time.sleep(window)
    after = cpu_ticks(cpus, proc)
    total = after["total"] - before["total"]
    return 0.0 if total <= 0 else 1 - (after["idle"] - before["idle"]) / total


def snapshot(cpus: list[int], proc: Path = PROC) -> dict:
    """How busy the machine is now: the others' share of our CPUs, the load average and the
    tick counters (to compute the steal over the run)."""
    return {"others_share": others_share(cpus, proc=proc), "load_average": load_average(proc),
            "ticks": cpu_ticks(cpus, proc)}


def load_record(before: dict, after: dict) -> dict:
    """The machine's state around a timing, and whether it was busy (with the reasons)."""
    total = after["ticks"]["total"] - before["ticks"]["total"]
    steal = (after["ticks"]["steal"] - before["ticks"]["steal"]) / total if total > 0 else 0.0
    reasons = [f"other work used {share:.0%} of the usable CPUs {when} timing"
               for when, share in (("before", before["others_share"]),
                                   ("after", after["others_share"])) if share > BUSY_SHARE]
    if steal > BUSY_STEAL:
        reasons.append(f"the hypervisor stole {steal:.0%} of the CPU time")
    return {"others_share_before": before["others_share"],
            "others_share_after": after["others_share"],
            "load_average_before": before["load_average"],
            "load_average_after": after["load_average"], "steal_share": steal,
            "busy": bool(reasons), "busy_reasons": reasons,
            "thresholds": {"busy_share": BUSY_SHARE, "busy_steal": BUSY_STEAL,
                           "idle_window_s": IDLE_WINDOW_S}}


def tensorflow_threads(n: int) -> dict:
    """Set TensorFlow's two pools to ``n`` threads (possible only before it first runs an
    operation) and report what they are."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(n)
        note = f"set to {n}"
    except RuntimeError:  # TensorFlow already ran something in this process
        note = "TensorFlow had already started in this process: left as it was (0: its default)"
    return {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads(), "note": note}


def jax_threads() -> dict:
    """JAX's CPU client (XLA) sizes its thread pool once, to the CPUs the process may be
    scheduled on (its affinity), and offers no setting for it: recorded, not set."""
    import jax

    return {"devices": [str(d) for d in jax.devices()], "affinity": len(os.sched_getaffinity(0)),
            "note": "XLA's CPU pool: sized by XLA to the affinity; not settable from JAX"}


class Threads:
    """Every thread pool loaded in this process (BLAS and OpenMP through ``threadpoolctl``,
    PyTorch's intra-op pool), switched to one count at a time; restored on exit."""

    def __init__(self, n: int) -> None:
        import torch
        from threadpoolctl import ThreadpoolController

        self._torch = torch
        self._controller = ThreadpoolController()
        self._saved = torch.get_num_threads()
        self._original = self._controller.limit(limits=n)
        self.use(n)

    def use(self, n: int) -> None:
        self._controller.limit(limits=n)
        self._torch.set_num_threads(n)

    def record(self) -> dict:
        """The pools as they are now: each library's name, version and thread count."""
        pools = [{"api": p["internal_api"], "library": Path(p["filepath"]).name,
                  "version": p.get("version") or "", "threads": p["num_threads"]}
                 for p in self._controller.info()]
        return {"pools": pools, "torch_intra_op": self._torch.get_num_threads(),
                "torch_inter_op": self._torch.get_num_interop_threads()}

    def __enter__(self) -> Threads:
        return self

    def __exit__(self, *exc) -> None:
        self._original.restore_original_limits()
        self._torch.set_num_threads(self._saved)


@contextlib.contextmanager
def flush_denormals(on: bool = True) -> Iterator[None]:
    """Run the block with subnormal floats flushed to zero, as XLA (JAX, TensorFlow) runs.

    A float below the smallest normal number (about 1.2e-38 in float32) is *subnormal*; on
    many CPUs an operation on one takes tens of times longer than on a normal float, and
    saturated sigmoids make them (a (1 - a) underflows long before a does). The CPU's flags
    for flushing them (FTZ, DAZ) are per thread and NumPy cannot set them, so PyTorch's
    ``set_flush_denormal`` sets them for the calling thread: where NumPy's element-wise work
    and PyTorch's single-threaded kernels run (the BLAS threads keep their own flags)."""
    import torch

    if not on:
        yield
        return
    if not torch.set_flush_denormal(True):
        raise RuntimeError("this CPU cannot flush subnormal floats (no SSE3)")
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
