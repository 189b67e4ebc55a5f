"""The implementations, declared once. Every module that names, labels, colours, installs or
builds an implementation asks this registry, so adding a fifth takes its own folder (network,
runner, variants, and ``declared.py``), one ``Implementation`` below, and what the pages say
about it.

What the experiments need to know of an implementation beyond its runner (the paths the speed
experiment times, its code for each role, its versions of the variants, its tooling) it
declares in its own folder, in ``declared.py``, with the types below; that module imports no
library, so an optional extra is described even where it is not installed.
``declarations(field)`` gathers one of those fields from every implementation.

The registry is read when it is used, not copied when a module is imported: ``view`` gives one
field of every implementation as a mapping that looks the registry up on each access.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class TimedPath:
    """A way of training an implementation that the speed experiment times."""

    impl: str
    dtype: str
    per_example: bool = False  # the book's one-example-at-a-time backprop (scratch only)
    compiled: bool = False  # the library's compiler (``Runner.compile``) is switched on
    options: tuple[tuple[str, object], ...] = ()  # ... with these options
    device: str = "cpu"
    tuned: bool = False  # scratch only: the step written for speed (``scratch/tuned.py``)
    flush_denormals: bool = False  # subnormal floats flushed to zero, as XLA does


@dataclass(frozen=True)
class Change:
    """A function written for a variant: ``"file::Qualified.name"`` under ``comparison/``,
    the baseline function it is an edited copy of (None if new), and whether it computes a
    gradient by hand."""

    ref: str
    replaces: str | None = None
    derivative: bool = False


@dataclass(frozen=True)
class Version:
    """One implementation's version of a variant: what its runner builds instead of the
    baseline's (None: the baseline's own, which the runner knows), and the functions written
    or edited for it. NumPy and PyTorch name their classes and functions; Keras and JAX are
    optional extras, so theirs are named (``"module.function"`` under their package) and
    imported only by their runners."""

    model: object = None  # the network (Keras: the function that builds it; JAX: its forward)
    cost: object = None  # None: the configured cost
    optimizer: object = None  # (Keras: the function that compiles the model)
    changes: tuple[Change, ...] = ()


def edited(file: str, cls: str, base: str, methods: str, derivative: str = "") -> list[Change]:
    """Changes for methods of ``file::cls`` that are edited copies of ``base``'s."""
    base_file, base_cls = base.split("::")
    return [Change(f"{file}::{cls}.{name}", f"{base_file}::{base_cls}.{name}",
                   name in derivative.split()) for name in methods.split()]


@dataclass(frozen=True)
class Logger:
    """How the tooling experiment logs an implementation trained epoch by epoch: functions of
    its ``tooling.py`` (as names, imported when it runs) that open a TensorBoard writer on a
    folder and log one epoch, which kind of events its file holds (``"summaries"``: scalars
    and histograms as PyTorch's writer stores them; ``"tensors"``: every value a tensor
    event), and the file its trained model is exported to."""

    writer: str  # "module:function": folder -> writer (``close`` ends it)
    log_epoch: str  # "module:function": (writer, runner, epoch, values) -> None
    events: str
    export_file: str

    def function(self, field: str) -> Callable:
        module, _, name = getattr(self, field).partition(":")
        return getattr(importlib.import_module(module), name)


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
    declared: str = ""  # the module of its declarations (default ``comparison.<name>.declared``)

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

    @property
    def declared_module(self) -> str:
        return self.declared or f"comparison.{self.name}.declared"

    def declarations(self) -> ModuleType:
        name = self.declared_module  # looked up first: the site reads them thousands of times
        return sys.modules.get(name) or importlib.import_module(name)


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


def named_modules() -> tuple[str, ...]:
    """The modules the registry imports by a name it holds as a string: each implementation's
    runner and declarations, and the tooling its logger names (for ``results/inputs.py``)."""
    found = [impl.runner.partition(":")[0] for impl in REGISTRY.values()]
    found += [impl.declared_module for impl in REGISTRY.values()]
    found += [getattr(logger, field).partition(":")[0]
              for logger in declarations("LOGGER").values() for field in ("writer", "log_epoch")]
    return tuple(dict.fromkeys(found))


def declarations(field: str) -> dict[str, object]:
    """One field of every implementation's declarations, by implementation (those that do not
    declare it left out), in the registry's order."""
    found = {name: getattr(impl.declarations(), field, None) for name, impl in REGISTRY.items()}
    return {name: value for name, value in found.items() if value is not None}


def in_registry_order(by_impl: Mapping[str, object]) -> dict[str, object]:
    """``by_impl`` (keyed by implementation) with its keys in the registry's order."""
    return {name: by_impl[name] for name in REGISTRY if name in by_impl}


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
