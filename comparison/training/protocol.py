"""What every implementation offers the code that trains and measures it.

A *runner* wraps one implementation's network for one ``TrainConfig``. Data is converted once,
up front, into the layout that implementation prefers, so no conversion is ever timed.
Experiments and tests use only what ``Runner`` declares; they never reach inside a runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

Parameters = list[tuple[np.ndarray, np.ndarray]]  # [(W, b), ...] in the book's shapes
Array = TypeVar("Array")
SPLITS = ("training", "validation", "test")


@dataclass(frozen=True)
class SplitArrays(Generic[Array]):
    """One split in a runner's own array type (NumPy arrays or tensors), one row per example."""

    x: Array  # inputs (n, 784)
    labels: Array  # digits (n,)
    target: Array  # one-hot desired outputs (n, 10)


class Runner(Protocol):
    """The verbs of one implementation, for one training configuration."""

    device: str  # where it computes: "cpu" or a CUDA device
    model: Any  # the library's own model object (Network, nn.Module, keras.Model), for its tools

    def split(self, name: str) -> SplitArrays:
        """``"training"``, ``"validation"`` or ``"test"``, in this runner's array type."""

    def train_epoch(self, batches: Sequence[np.ndarray],
                    on_batch: Callable[[], None] | None = None) -> None:
        """One pass over ``batches`` (arrays of row indices into the training split), in order;
        ``on_batch`` is called after each, for a progress bar."""

    def evaluate(self, split: str) -> tuple[float, float]:
        """(mean cost without the L2 term, accuracy) on a whole split."""

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The network's outputs for input rows ``x``, one row per example (the logits for the
        frameworks, the activations from scratch: either way the argmax is the prediction)."""

    def parameters(self) -> Parameters:
        """Every layer's (W, b) as NumPy arrays: W (n_out, n_in), b (n_out, 1)."""

    def set_parameters(self, parameters: Parameters) -> None: ...

    def compile(self, **options) -> None:
        """Switch on the library's built-in speed options for training (``torch.compile``;
        Keras's ``jit_compile``, ``steps_per_execution``); raises ``NotImplementedError``
        where the implementation has none."""

    def export(self, path: Path) -> Callable[[np.ndarray], np.ndarray]:
        """Save the model in the library's deployment format at ``path`` and load it back;
        return the loaded model as a function from input rows to output rows."""


def in_chunks(evaluate: Callable[[slice], tuple[float, float]], n: int,
              chunk: int = 1000) -> tuple[float, float]:
    """(mean cost, accuracy) over n examples from ``evaluate(slice)`` on chunks of them.

    A whole split at once would hold, for the conv variant, every 5x5 patch of 10,000 images
    (over a gigabyte in float64); chunks bound the memory and change only the round-off.
    """
    totals = np.zeros(2)
    for start in range(0, n, chunk):
        part = slice(start, min(start + chunk, n))
        totals += np.array(evaluate(part)) * (part.stop - part.start)
    cost, accuracy = totals / n
    return float(cost), float(accuracy)


def reporting(batches: Iterable[np.ndarray],
              on_batch: Callable[[], None] | None) -> Iterator[np.ndarray]:
    """``batches``, calling ``on_batch`` after each has been used (for a progress bar)."""
    for batch in batches:
        yield batch
        if on_batch:
            on_batch()
