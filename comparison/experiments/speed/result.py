"""What the speed experiment returns and the performance page reads: ``Result``, as stored.

Its JSON is the one the experiment wrote before it had a class, so every stored result reads
back unchanged. Two generations are read: a result of the timing protocol (every sample, paired
comparisons, the machine's load) and the committed GPU record, made before it (medians with
min and max, no comparisons). What the older record lacks, or a run writes only sometimes (a
failed job's figures, Keras's options, the split's habits), is an ``optional_key``: ``None``
here, no key in the file.

A path is named in the file by its label (``"torch float32"``, a key of ``paths.PATHS``);
``Comparison.first``, ``Row.timed`` and the like give its ``TimedPath``, which code that
decides something reads instead of the label.

Longer than most modules (about 400 lines) because it is a schema: one small class per part
of the stored JSON, each read as a list of fields; splitting it would scatter one file's shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from comparison.experiments.harness.state import Cpus, Load, TimedThreads
from comparison.experiments.speed.paths import PATHS, POINT_KEYS, TimedPath
from comparison.experiments.speed.plan import Config
from comparison.results.typed import optional_key


def crossover_key(sweep: str, a: str, b: str) -> str:
    """The key of the crossover of path ``a`` against ``b`` along ``sweep`` in the file."""
    return f"{sweep}:{a}:{b}"


class AtPoint:
    """A job or a comparison at a point of a sweep: its ``batch_size`` and ``width``."""

    def along(self, sweep: str) -> int:
        """Where it is on ``sweep``: its mini-batch or its width."""
        return self.width if POINT_KEYS[sweep] == "width" else self.batch_size

    def at(self, **point: int) -> bool:
        """Whether it is at ``point`` (``batch_size=10``, ``width=30``, or both)."""
        return all({"batch_size": self.batch_size, "width": self.width}[k] == v
                   for k, v in point.items())


@dataclass(frozen=True)
class OldConfig:
    """The config of a run made before the timing protocol (the committed GPU record): the
    sizes it swept, and settings the current ``Config`` no longer has."""

    profile: str
    batch_sizes: tuple[int, ...]
    widths: tuple[int, ...]
    repeats: int
    examples: int
    wide_examples: int
    per_example_max_width: int
    thread_batch_sizes: tuple[int, ...]
    compile_all: bool
    compile_at: tuple[tuple[int, int], ...]
    gemm_size: int
    import_repeats: int
    paths: tuple[str, ...]
    implementations: tuple[str, ...]
    seed: int
    gpu: str | None
    datasets: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Row(AtPoint):
    """One timed job (a path at a point) on one sweep: its samples and what they give.

    A job that failed to start has its status and nothing timed; the old GPU record has
    medians with min and max and no samples."""

    sweep: str
    path: str  # a label of ``PATHS``: ``timed`` is the path itself
    batch_size: int
    width: int
    threads: int | str  # "all" in the old GPU record
    variant: str | None = optional_key()  # the network ("baseline", "conv"); old record: none
    first_batch_seconds: float | None = optional_key()  # set-up: the compile, if any
    status: str  # "ok", or why the job failed
    jit_compile: bool | None = optional_key()  # Keras only: its effective settings
    steps_per_execution: int | None = optional_key()
    examples: int | None = optional_key()  # trained on per sample
    steps: int | None = optional_key()  # mini-batches per sample
    repeats: int | None = optional_key()  # samples
    times_s: tuple[float, ...] | None = optional_key()  # every sample, by round
    median_s: float | None = optional_key()  # of the samples, with its interval:
    low_s: float | None = optional_key()
    high_s: float | None = optional_key()
    coverage: float | None = optional_key()  # the interval's confidence
    seconds_per_epoch: float | None = optional_key()  # the median per 50,000 examples ...
    epoch_low_s: float | None = optional_key()  # ... and its interval
    epoch_high_s: float | None = optional_key()
    examples_per_s: float | None = optional_key()
    gflops: float | None = optional_key()  # achieved (the dense network only; else 0)
    peak_gflops: float | None = optional_key()  # the square product's, same dtype and threads
    fraction_of_peak: float | None = optional_key()
    min_s: float | None = optional_key()  # old GPU record: the fastest sample ...
    max_s: float | None = optional_key()  # ... and the slowest

    @property
    def timed(self) -> TimedPath:
        return PATHS[self.path]

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def fastest_s(self) -> float:
        """The low end of its spread: the interval's (the old record: the fastest sample)."""
        return self.low_s if self.low_s is not None else self.min_s

    @property
    def slowest_s(self) -> float:
        return self.high_s if self.high_s is not None else self.max_s


@dataclass(frozen=True)
class Comparison(AtPoint):
    """Path ``a`` against path ``b`` at one point of a sweep: the paired time ratio a / b
    (below 1: a is faster), its interval and the protocol's outcome."""

    sweep: str
    batch_size: int
    width: int
    a: str  # labels of ``PATHS``: ``first`` and ``second`` are the paths
    b: str
    ratio: float
    low: float
    high: float
    coverage: float
    outcome: str  # ``stats.FASTER``, ``SLOWER`` or ``TIED``

    @property
    def first(self) -> TimedPath:
        return PATHS[self.a]

    @property
    def second(self) -> TimedPath:
        return PATHS[self.b]

    @property
    def point(self) -> tuple:
        """What is compared where, whichever sweep it lies on (``each_point``)."""
        return self.a, self.b, self.sweep == "conv", self.batch_size, self.width


Pointed = TypeVar("Pointed")  # anything with a ``point``: a Comparison, a GPU Speedup


def each_point(found: Iterable[Pointed]) -> list[Pointed]:
    """``found`` with each ``point`` once, in order: the two sweeps share a point (mini-batch
    100, width 30), timed once; counted twice it would weigh twice in a tally."""
    once = {}
    for item in found:
        once.setdefault(item.point, item)
    return list(once.values())


@dataclass(frozen=True)
class Crossover:
    """One pair along one sweep: where a is faster, where slower (tied elsewhere), and from
    which point on it stays faster (``stats.ahead_from``)."""

    points: tuple[int, ...]
    faster_at: tuple[int, ...]
    slower_at: tuple[int, ...]
    ahead_from: int | None

    @property
    def tied_at(self) -> list[int]:
        return [p for p in self.points if p not in self.faster_at + self.slower_at]


@dataclass(frozen=True)
class OldCrossover:
    """The old GPU record's crossover: PyTorch against the NumPy code, by medians."""

    torch_faster_at: tuple[int, ...]
    torch_ahead_from: int | None
    points: tuple[int, ...]


@dataclass(frozen=True)
class ThreadSpeedup:
    """On the thread sweep: the time with ``threads`` over the time with one, paired."""

    path: str
    batch_size: int
    width: int
    threads: int
    ratio: float
    low: float
    high: float
    coverage: float
    outcome: str


@dataclass(frozen=True)
class Spread:
    """A job's median time with its interval, per sample and per 50,000-example epoch."""

    median_s: float
    low_s: float
    high_s: float
    seconds_per_epoch: float
    epoch_low_s: float
    epoch_high_s: float


@dataclass(frozen=True)
class Twin:
    """The noise floor at one job: built and timed twice, half a round apart; ``agree`` when
    the second's time over the first's is tied within noise."""

    path: str
    batch_size: int
    width: int
    first: Spread
    second: Spread
    ratio: float
    low: float
    high: float
    coverage: float
    outcome: str
    agree: bool


@dataclass(frozen=True, kw_only=True)
class Product:
    """A matrix product timed alone: at a step's shape ("step") or the square yardstick."""

    kind: str  # "step" or "square"
    batch_size: int | None = optional_key()  # a step's product: its point and role
    width: int | None = optional_key()
    role: str | None = optional_key()
    library: str  # "numpy" or "torch"
    dtype: str
    threads: int
    shape: tuple[int, int, int]  # m x k x n
    calls_per_sample: int
    times_s: tuple[float, ...]
    median_s: float
    low_s: float
    high_s: float
    gflops: float  # at the median, and at the interval's ends
    gflops_low: float
    gflops_high: float


@dataclass(frozen=True)
class Yardstick:
    """GFLOP/s of the square product: dtype -> each library's, and the better ("peak")."""

    all_threads: dict[str, dict[str, float]]
    one_thread: dict[str, dict[str, float]]


@dataclass(frozen=True)
class PerStep:
    """A part of a step, seconds per step: the median of its per-round values and interval."""

    s: float
    low_s: float
    high_s: float

    @property
    def adds_up(self) -> bool:
        """Whether 0 lies inside the interval (said of the split's interaction)."""
        return self.low_s <= 0 <= self.high_s


@dataclass(frozen=True)
class Subnormals:
    """The share of subnormal values in a NumPy step's arrays."""

    activations: float
    derivatives: float  # the sigmoid's, a (1 - a)
    gradients: float


@dataclass(frozen=True, kw_only=True)
class Split:
    """Where one library's step goes at one point: the step (per step, with its interval),
    its five products timed alone, what each habit of the tuned code saves, and the rest.
    The quick-run fixture predates the per-round parts (``products_alone``, ``rest``)."""

    step_s: float
    step_low_s: float
    step_high_s: float
    products_alone_s: float  # the median of the products' sum
    products_alone: PerStep | None = optional_key()
    rest: PerStep | None = optional_key()  # the step less the products and the savings
    denormals: PerStep | None = optional_key()  # saved by flushing subnormals (if timed)
    allocation: PerStep | None = optional_key()  # NumPy: saved by updating in place
    interaction: PerStep | None = optional_key()  # NumPy: tuned - (plain - both savings)
    tuned: PerStep | None = optional_key()  # NumPy: the tuned step
    subnormals: Subnormals | None = optional_key()  # NumPy
    profiler_products_s: float | None = optional_key()  # PyTorch: products inside its step
    profiler_step_s: float | None = optional_key()  # ... and the profiled step


@dataclass(frozen=True)
class GapPoint:
    """The step split at one point, NumPy's and PyTorch's (float32)."""

    batch_size: int
    width: int
    numpy: Split
    torch: Split


@dataclass(frozen=True, kw_only=True)
class Machine:
    """The machine around the rounds: its CPUs, its load, the thread pools, and two counts
    that say whether a sample is to be trusted."""

    cpus: Cpus
    load: Load
    threads: TimedThreads
    recompiled_during_timing: int  # graphs torch.compile built in the rounds (should be 0)
    # samples begun before the process's threads were quiet; the fixture predates the count
    unsettled_samples: int | None = optional_key()


@dataclass(frozen=True)
class ImportTimes:
    """An implementation's import time from fresh processes: every sample and the median's
    interval."""

    median_s: float
    low_s: float
    high_s: float
    times_s: tuple[float, ...]


@dataclass(frozen=True)
class Memory:
    """An implementation's memory in a fresh process (``memory_probe``), MB."""

    after_import_mb: float
    peak_mb: float
    training_mb: float  # peak less after import


@dataclass(frozen=True, kw_only=True)
class Result:
    """Every timed job, the paired comparisons and what they decide, the products, the step
    split, the machine and start-up. The old GPU record has no comparisons, thread sweep,
    noise floor, products, split, machine or import intervals (each None)."""

    config: Config | OldConfig
    rows: tuple[Row, ...]
    comparisons: tuple[Comparison, ...] | None = optional_key()
    crossovers: dict[str, Crossover | OldCrossover]  # by ``crossover_key``
    threads: tuple[ThreadSpeedup, ...] | None = optional_key()
    noise_floor: tuple[Twin, ...] | None = optional_key()
    products: tuple[Product, ...] | None = optional_key()
    gemm_by_library: Yardstick
    gap: tuple[GapPoint, ...] | None = optional_key()
    machine: Machine | None = optional_key()
    imports: dict[str, float]  # implementation -> seconds to import (median)
    import_intervals: dict[str, ImportTimes] | None = optional_key()
    memory: dict[str, Memory]  # implementation -> its fresh process's memory
    malloc: str  # how the allocator was set
    timing: str  # the statistic, in words
    migrated: str | None = optional_key()  # the GPU record: how its file was migrated

    @property
    def new_protocol(self) -> bool:
        """Made with the timing protocol (not the old GPU record)."""
        return self.comparisons is not None

    @property
    def timed_paths(self) -> tuple[TimedPath, ...]:
        """The paths this run timed (its config lists their labels)."""
        return tuple(PATHS[label] for label in self.config.paths)

    @property
    def load(self) -> Load | None:
        """How busy the machine was (None: the old record did not measure it)."""
        return None if self.machine is None else self.machine.load

    def ok_rows(self, sweep: str) -> list[Row]:
        """The jobs on ``sweep`` that ran."""
        return [r for r in self.rows if r.sweep == sweep and r.ok]

    def row(self, path: TimedPath, sweep: str, **point: int) -> Row | None:
        """The timed job of ``path`` on ``sweep`` at ``point``, if it ran."""
        return next((r for r in self.ok_rows(sweep) if r.timed == path and r.at(**point)), None)

    def find(self, sweep: str, a: TimedPath, b: TimedPath, **point: int) -> Comparison | None:
        """The comparison of ``a`` with ``b`` on ``sweep`` at ``point``, if it was made."""
        return next((c for c in self.compared(sweep, a, b) if c.at(**point)), None)

    def compared(self, sweep: str, a: TimedPath, b: TimedPath) -> list[Comparison]:
        """Every comparison of ``a`` with ``b`` along ``sweep``, in the order they were made."""
        return [c for c in self.comparisons or () if c.sweep == sweep
                and (c.first, c.second) == (a, b)]

    def options(self) -> list[Comparison]:
        """Each built-in option (a compiled path) against the same library without it, each
        point once (``each_point``)."""
        return each_point(c for c in self.comparisons or ()
                          if c.first.compiled and c.second.impl == c.first.impl)

    def crossover(self, sweep: str, a: str, b: str) -> Crossover | None:
        """The crossover of path ``a`` (a label) against ``b`` along ``sweep``, if found."""
        found = self.crossovers.get(crossover_key(sweep, a, b))
        return found if isinstance(found, Crossover) else None

    def pairs(self) -> list[tuple[str, str, str]]:
        """Every (sweep, a, b) compared, in the order the crossovers were found."""
        return list(dict.fromkeys((c.sweep, c.a, c.b) for c in self.comparisons or ()))
