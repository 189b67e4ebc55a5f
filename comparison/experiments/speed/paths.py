"""What is timed: the paths (ways of training), by name, and the groups the sweeps use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from comparison.implementations import REGISTRY, TimedPath, declarations
from comparison.training.variants import VARIANTS

EPOCH = 50_000  # a figure per epoch: the book's 50,000 training images


class Gathered(Mapping[str, TimedPath]):
    """Label -> path, as the implementations declare them (``<impl>/declared.py``): ``fields``
    of every implementation in turn, read on each access (so one registered later counts)."""

    def __init__(self, *fields: str) -> None:
        self._fields, self._read, self._paths_read = fields, (), {}

    def _paths(self) -> dict[str, TimedPath]:
        # gathered again only when the declarations are other modules (the pages read a path
        # per row, tens of thousands of times)
        modules = tuple(impl.declarations() for impl in REGISTRY.values())
        if modules != self._read:
            self._read, self._paths_read = modules, {
                label: path for field in self._fields
                for paths in declarations(field).values() for label, path in paths.items()}
        return self._paths_read

    def __getitem__(self, label: str) -> TimedPath:
        return self._paths()[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths())

    def __len__(self) -> int:
        return len(self._paths())


PATHS = Gathered("TIMED", "SPLIT")  # every path; a split path one habit at a time, at the split
TUNED = "scratch tuned float32"
SPLIT_PATHS = Gathered("SPLIT")
SCRATCH = {"float32": "scratch float32", "float64": "scratch float64"}
# Each built-in option against the same library without it.
OPTIONS = {"torch.compile float32": "torch float32", "keras XLA float32": "keras float32",
           "keras steps_per_execution float32": "keras float32"}
BOOK = "book per-example (float64)"
THREAD_PATHS = ("scratch float32", "torch float32")  # TensorFlow sizes its pools once
NOISE_PATHS = ("scratch float32", "torch float32")  # timed twice, half a round apart
BATCH_SWEEP_WIDTH, WIDTH_SWEEP_BATCH = 30, 100
NOISE_POINT = (WIDTH_SWEEP_BATCH, BATCH_SWEEP_WIDTH)  # on both sweeps
CONV_WIDTH = 100  # the conv variant's hidden layer, as in the flexibility experiment


def plain(path: TimedPath) -> bool:
    """An implementation's plain path: float32 on the CPU, no option."""
    return path == TimedPath(path.impl, "float32")


def conv_paths() -> tuple[str, ...]:
    """The plain path of each implementation that has written the conv variant."""
    return tuple(label for label, path in PATHS.items()
                 if plain(path) and VARIANTS["conv"].version(path.impl) is not None)


def on_gpu_record(path: TimedPath) -> bool:
    """Asked for with `--device cuda`, the run is a GPU record: it answers one question, from
    what size the GPU beats each implementation's fastest CPU path on the same machine, so it
    times only the GPU paths and the plain ones. The rest of the CPU sweep is the CPU-only
    run's job."""
    return path.device != "cpu" or plain(path)


# Each sweep's varying field; the mini-batch and width sweeps are the dense network's own.
POINT_KEYS = {"batch": "batch_size", "width": "width", "conv": "batch_size"}
SWEEP_KEYS = {sweep: POINT_KEYS[sweep] for sweep in ("batch", "width")}
