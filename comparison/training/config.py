"""``TrainConfig``: one training run, described with types and checked before any work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from comparison import implementations
from comparison.training.variants import VARIANTS

COSTS = ("quadratic", "cross-entropy")
INITS = ("large", "scaled")
DTYPES = ("float32", "float64")


def installed(impls: Sequence[str] | None = None) -> list[str]:
    """Those of ``impls`` (default: every implementation) whose libraries are installed:
    experiments leave out Keras or JAX without its extra, and the site says it was not
    measured."""
    return [name for name in (implementations.names() if impls is None else impls)
            if implementations.get(name).installed()]


@dataclass(frozen=True)
class TrainConfig:
    """One training run. The defaults are the book's first run (chapter 1)."""

    impl: str = "scratch"
    dataset: str = "mnist"
    hidden: tuple[int, ...] = (30,)
    epochs: int = 30
    batch_size: int = 10
    eta: float = 3.0
    cost: str = "quadratic"
    lmbda: float = 0.0
    init: str = "large"
    seed: int = 0
    dtype: str = "float64"
    device: str = "auto"
    train_size: int | None = None  # use only the first n training images
    monitor_training: bool = False  # also measure cost/accuracy on the training data
    per_example: bool = False  # scratch only: the book's one-example-at-a-time backprop
    tuned: bool = False  # scratch only: the same step written for speed (``scratch/tuned.py``)
    # the frameworks: "scratch" starts from the scratch network's initial weights for this seed,
    # a paired control that separates the implementation from the luck of the draw.
    init_from: str = "own"
    variant: str = "baseline"  # a change to the network, from ``training.variants.VARIANTS``

    def __post_init__(self) -> None:
        for ok, message in self._checks():
            if not ok:
                raise ValueError(message)

    def _checks(self) -> list[tuple[bool, str]]:
        return [
            (self.impl in implementations.REGISTRY,
             f"unknown implementation {self.impl!r}: "
             f"choose {', '.join(implementations.REGISTRY)}"),
            (self.eta > 0, f"eta must be > 0 (got {self.eta})"),
            (self.batch_size >= 1, f"batch size must be >= 1 (got {self.batch_size})"),
            (self.epochs >= 1, f"epochs must be >= 1 (got {self.epochs})"),
            (len(self.hidden) >= 1 and min(self.hidden) >= 1,
             f"every hidden layer needs >= 1 neuron (got {list(self.hidden)})"),
            (self.lmbda >= 0, f"lmbda must be >= 0 (got {self.lmbda})"),
            (self.cost in COSTS, f"unknown cost {self.cost!r}: choose {', '.join(COSTS)}"),
            (self.init in INITS, f"unknown init {self.init!r}: choose {', '.join(INITS)}"),
            (self.dtype in DTYPES, f"unknown dtype {self.dtype!r}: choose {', '.join(DTYPES)}"),
            (self.train_size is None or self.train_size >= 1, "train size must be >= 1"),
            (not self.per_example or self.impl == "scratch",
             "--per-example is the scratch implementation's reference path only"),
            (not self.tuned or (self.impl == "scratch" and self.variant == "baseline"
                                and not self.per_example),
             "the tuned step is the scratch baseline network's, without --per-example"),
            (self.init_from in ("own", "scratch"), f"unknown init_from {self.init_from!r}"),
            (self.variant in VARIANTS, f"unknown variant {self.variant!r}: choose one of "
                                       f"{', '.join(VARIANTS)}"),
        ]

    def sizes(self, n_in: int = 784, n_out: int = 10) -> list[int]:
        return [n_in, *self.hidden, n_out]

    def as_dict(self) -> dict:
        return asdict(self)
