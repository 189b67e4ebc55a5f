"""What a result records of the machine it ran on, typed as the store holds it: the CPUs it
could use, how busy the machine was around the work, and the thread pools it ran with.
``machine.py`` measures them (it belongs to the timing protocol; these are only shapes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cpus:
    """The CPUs this run could use (``machine.usable_cpus``)."""

    affinity: tuple[int, ...]  # the CPUs this process may run on
    quota_cpus: float | None  # the cgroup's quota, None: none
    usable: int
    logical_cpus: int


@dataclass(frozen=True)
class Thresholds:
    """What counted as busy: ``machine.BUSY_SHARE``, ``BUSY_STEAL``, ``IDLE_WINDOW_S``."""

    busy_share: float
    busy_steal: float
    idle_window_s: float


@dataclass(frozen=True)
class Load:
    """How busy the machine was around the work (``machine.load_record``)."""

    others_share_before: float
    others_share_after: float
    load_average_before: tuple[float, ...]
    load_average_after: tuple[float, ...]
    steal_share: float
    busy: bool  # a busy run decides nothing
    busy_reasons: tuple[str, ...]
    thresholds: Thresholds


@dataclass(frozen=True)
class Pool:
    """A BLAS or OpenMP thread pool loaded in the process, as ``threadpoolctl`` saw it."""

    api: str
    library: str
    version: str
    threads: int


@dataclass(frozen=True)
class TensorFlowThreads:
    """TensorFlow's two pools (``machine.tensorflow_threads``)."""

    intra_op: int
    inter_op: int
    note: str  # whether they could be set


@dataclass(frozen=True)
class JaxThreads:
    """XLA's CPU pool: sized by XLA to the affinity, recorded, not set."""

    devices: tuple[str, ...]
    affinity: int
    note: str


@dataclass(frozen=True)
class Threads:
    """The thread pools the work ran with: set to ``set_to``, and as each library reported."""

    set_to: int
    pools: tuple[Pool, ...]
    torch_intra_op: int
    torch_inter_op: int
    tensorflow: TensorFlowThreads | None  # None: Keras did not run


@dataclass(frozen=True)
class TimedThreads(Threads):
    """``Threads`` of the speed rounds, which also record XLA's pool and the variables set."""

    jax: JaxThreads | None  # None: JAX was not timed
    environment: dict[str, str]  # the thread variables set
