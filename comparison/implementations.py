"""The implementations, declared once. Every module that names, labels, colours, installs or
builds an implementation asks this registry, so adding a fifth takes its own folder (network,
runner, variants), one ``Implementation`` below, and what the pages say about it.

The registry is read when it is used, not copied when a module is imported: ``view`` gives one
field of every implementation as a mapping that looks the registry up on each access.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Implementation:
    """One implementation of the network: its folder ``comparison/<name>/`` and its key in
    every result."""

    name: str
    label: str  # in tables and legends
    short: str  # in sentences and narrow columns
    library: str  # the library it is written with
    colour: str  # in every figure (Okabe-Ito, readable in both palettes and colour-blind safe)
    marker: str  # ... and a marker, for print and any colour vision
    runner: str  # "module:Class" of its Runner, imported only when one is made
    seeds_name_it: bool = False  # the seed texts' claims are about it: it decides them
    modules: tuple[str, ...] = ()  # an optional extra: the libraries it needs ...
    requirements: str = ""  # ... and the file that installs them

    @property
    def framework(self) -> bool:
        """A library that differentiates for us (everything but the from-scratch code)."""
        return self.name != "scratch"

    def installed(self) -> bool:
        return all(importlib.util.find_spec(module) is not None for module in self.modules)

    def require(self) -> None:
        """Raise with the one line that installs it, when its optional extra is missing."""
        if not self.installed():
            raise ValueError(f"the {self.short} implementation needs its optional extra: "
                             f"pip install -r {self.requirements}")

    def runner_class(self) -> type:
        module, _, name = self.runner.partition(":")
        return getattr(importlib.import_module(module), name)


REGISTRY: dict[str, Implementation] = {impl.name: impl for impl in (
    Implementation("scratch", "from scratch (NumPy)", "scratch", "NumPy", "#0072B2", "o",
                   "comparison.scratch.runner:ScratchRunner"),
    Implementation("torch", "PyTorch", "PyTorch", "PyTorch", "#D55E00", "v",
                   "comparison.torch.runner:TorchRunner", seeds_name_it=True),
    Implementation("keras", "Keras (TensorFlow)", "Keras", "Keras", "#009E73", "*",
                   "comparison.keras.runner:KerasRunner", seeds_name_it=True,
                   modules=("keras", "tensorflow"), requirements="requirements-keras.txt"),
    # not in the seed texts: shown beside the frameworks they name, never deciding a claim
    Implementation("jax", "JAX", "JAX", "JAX", "#999999", "d", "comparison.jax.runner:JaxRunner",
                   modules=("jax", "optax"), requirements="requirements-jax.txt"),
)}


def runner_modules() -> tuple[str, ...]:
    """The modules ``runner_class`` imports by name (for ``results/inputs.py``)."""
    return tuple(impl.runner.partition(":")[0] for impl in REGISTRY.values())


def get(name: str) -> Implementation:
    if name not in REGISTRY:
        raise ValueError(f"no implementation {name!r}: choose one of {', '.join(REGISTRY)}")
    return REGISTRY[name]


def names(keep: Callable[[Implementation], bool] = lambda impl: True) -> tuple[str, ...]:
    return tuple(name for name, impl in REGISTRY.items() if keep(impl))


class View(Mapping[str, str]):
    """One field of the implementations ``keep`` selects, by name, read from the registry at
    each access; ``extra`` adds keys that are not implementations (a figure's paths)."""

    def __init__(self, field: str, keep: Callable[[Implementation], bool] = lambda impl: True,
                 extra: Mapping[str, str] | None = None) -> None:
        self._field, self._keep, self._extra = field, keep, dict(extra or {})

    def __getitem__(self, name: str) -> str:
        impl = REGISTRY.get(name)
        if impl is not None and self._keep(impl):
            return getattr(impl, self._field)
        return self._extra[name]

    def __iter__(self) -> Iterator[str]:
        yield from names(self._keep)
        yield from (name for name in self._extra if name not in REGISTRY)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def seed_framework(impl: Implementation) -> bool:
    return impl.seeds_name_it


def beyond_seeds(impl: Implementation) -> bool:
    return impl.framework and not impl.seeds_name_it
