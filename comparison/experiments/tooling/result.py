"""What the tooling experiment returns and the flexibility page reads: ``Result``, as stored:
each implementation's TensorBoard event files read back, its export's round trip, and the
lines each task took."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    profile: str
    train_size: int | None
    epochs: int
    implementations: tuple[str, ...]
    setting: dict  # ``TrainConfig`` fields of the network trained
    code: dict[str, list[str]]  # "task / implementation" -> the functions counted
    seed: int = 0
    datasets: tuple[str, ...] = ("mnist",)


PREDICTIONS_KEPT = 1.0  # an export "works" when every test prediction survives the round trip
LOGGED_TOLERANCE = 1e-6  # ... and logging when the curves read back equal what was logged


@dataclass(frozen=True)
class Board:
    """What one implementation's TensorBoard event files held, read back with TensorBoard's
    own reader."""

    scalar_tags: tuple[str, ...]  # the curves
    histograms: int  # histogram summaries, over every tag and epoch
    graph_nodes: int  # 0: no graph
    scalar_max_difference: float  # the curves read back against the values logged
    event_file_bytes: int

    @property
    def logging_works(self) -> bool:
        """Curves read back as logged, and histograms beside them."""
        return self.histograms > 0 and self.scalar_max_difference < LOGGED_TOLERANCE


@dataclass(frozen=True)
class TaggedBoard(Board):
    """PyTorch's event files, whose reader also names the histograms' tags."""

    histogram_tags: tuple[str, ...]


@dataclass(frozen=True)
class Export:
    """A trained model exported in its library's format and loaded back (``round_trip``)."""

    predictions_agree: float  # the share of test predictions the loaded model keeps
    examples: int
    max_output_difference: float
    file_bytes: int
    seconds: float  # to save and load

    @property
    def works(self) -> bool:
        return self.predictions_agree >= PREDICTIONS_KEPT


@dataclass(frozen=True)
class CodeRow:
    """The lines one implementation needed for one task."""

    task: str
    impl: str
    lines: int  # written for the task (``tooling.written``)


@dataclass(frozen=True)
class Result:
    config: Config
    rows: tuple[CodeRow, ...]
    # implementation -> its event files, read back (PyTorch's, alone, with its histogram tags)
    tensorboard: dict[str, TaggedBoard | Board]
    exports: dict[str, Export]  # implementation -> its round trip

    def lines(self, task: str, impl: str) -> int:
        """The lines ``impl`` needed for ``task``."""
        return next(r.lines for r in self.rows if (r.task, r.impl) == (task, impl))
