"""The flexibility variants: one change to the baseline network, made in every implementation.

A ``Variant`` maps each implementation to its ``Version`` of the change (the classes and
functions it uses, and, as ``Change`` entries, the functions written or edited for it) and
holds the training settings that differ from the baseline's. The ``flexibility`` experiment
counts the changes from the source; each runner builds its network from its own version
(``runners.py``). ``resolved`` is the one place where a variant's settings meet the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from comparison.scratch import conv
from comparison.scratch import variants as scratch_variants
from comparison.scratch.costs import LogLikelihoodCost
from comparison.torch import variants as torch_variants


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


@dataclass(frozen=True)
class Variant:
    title: str
    # implementation -> its version. An implementation missing here has not written the
    # variant, unless the variant changes no code at all (it changes only ``settings``).
    versions: dict[str, Version] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)  # what differs from the baseline's training
    deterministic: bool = True  # False: the two draw different random numbers

    def version(self, impl: str) -> Version | None:
        """``impl``'s version of this variant, or None where it is not written."""
        return self.versions.get(impl) if self.versions else Version()


def resolved(defaults: Mapping, variant: Variant, given: Mapping = MappingProxyType({})
             ) -> dict:
    """Training settings, in the one order every caller uses: what the caller gives, else
    the variant's own settings, else ``defaults``."""
    return {**defaults, **variant.settings, **given}


def _edited(file: str, cls: str, base: str, methods: str, derivative: str = "") -> list[Change]:
    """Changes for methods of ``file::cls`` that are edited copies of ``base``'s."""
    base_file, base_cls = base.split("::")
    return [Change(f"{file}::{cls}.{name}", f"{base_file}::{base_cls}.{name}",
                   name in derivative.split()) for name in methods.split()]


SCRATCH, SCRATCH_BASE = "scratch/variants.py", "scratch/network.py::Network"
TORCH, TORCH_BASE = "torch/variants.py", "torch/network.py::Net"
KERAS, KERAS_BUILD = "keras/variants.py", "keras/network.py::build"
JAX = "jax/variants.py"

VARIANTS = {
    "baseline": Variant("Baseline: sigmoid neurons, cross-entropy, plain SGD"),
    "relu": Variant("ReLU hidden neurons", {
        "scratch": Version(scratch_variants.ReLUNetwork, changes=(
            *_edited(SCRATCH, "ReLUNetwork", SCRATCH_BASE, "feedforward backprop",
                     derivative="backprop"),
            Change("scratch/activations.py::relu"),
            Change("scratch/activations.py::relu_prime", derivative=True))),
        "torch": Version(torch_variants.ReLUNet,
                         changes=tuple(_edited(TORCH, "ReLUNet", TORCH_BASE, "forward"))),
        "keras": Version("variants.build_relu",
                         changes=(Change(f"{KERAS}::build_relu", KERAS_BUILD),)),
        "jax": Version("variants.relu_forward",
                       changes=(Change(f"{JAX}::relu_forward", "jax/network.py::forward"),)),
    }, settings={"eta": 0.1}),
    "softmax": Variant("Softmax output, log-likelihood cost", {
        "scratch": Version(scratch_variants.SoftmaxNetwork, cost=LogLikelihoodCost, changes=(
            *_edited(SCRATCH, "SoftmaxNetwork", SCRATCH_BASE, "__init__ feedforward backprop"),
            Change("scratch/activations.py::softmax"),
            Change("scratch/costs.py::LogLikelihoodCost.fn"),
            Change("scratch/costs.py::LogLikelihoodCost.delta", derivative=True))),
        "torch": Version(cost=torch_variants.log_likelihood_cost, changes=(
            Change(f"{TORCH}::log_likelihood_cost", "torch/network.py::cross_entropy_cost"),)),
        "keras": Version(cost="variants.log_likelihood_cost", changes=(
            Change(f"{KERAS}::log_likelihood_cost", "keras/network.py::cross_entropy_cost"),)),
        "jax": Version(cost="variants.log_likelihood_cost", changes=(
            Change(f"{JAX}::log_likelihood_cost", "jax/network.py::cross_entropy_cost"),)),
    }),
    "momentum": Variant("SGD with momentum", {
        "scratch": Version(scratch_variants.MomentumNetwork, changes=tuple(
            _edited(SCRATCH, "MomentumNetwork", SCRATCH_BASE, "__init__ update_mini_batch"))),
        "torch": Version(optimizer=torch_variants.make_momentum_optimizer, changes=(
            Change(f"{TORCH}::make_momentum_optimizer", "torch/network.py::make_optimizer"),)),
        "keras": Version(optimizer="variants.compile_momentum", changes=(
            Change(f"{KERAS}::compile_momentum", "keras/network.py::compile_model"),)),
        "jax": Version(optimizer="variants.make_momentum_optimizer", changes=(
            Change(f"{JAX}::make_momentum_optimizer", "jax/network.py::make_optimizer"),)),
    }, settings={"eta": 0.05}),
    "dropout": Variant("Dropout on the hidden layer", {
        "scratch": Version(scratch_variants.DropoutNetwork, changes=tuple(
            _edited(SCRATCH, "DropoutNetwork", SCRATCH_BASE, "__init__ backprop",
                    derivative="backprop"))),
        "torch": Version(torch_variants.DropoutNet, changes=tuple(
            _edited(TORCH, "DropoutNet", TORCH_BASE, "__init__ forward"))),
        "keras": Version("variants.build_dropout",
                         changes=(Change(f"{KERAS}::build_dropout", KERAS_BUILD),)),
    }, deterministic=False),  # not written in JAX here
    "two-hidden": Variant("Two hidden layers", settings={"hidden": (100, 100)}),
    "conv": Variant("Convolutional front layer (5x5, 20 maps, 2x2 max-pool)", {
        "scratch": Version(conv.ConvNetwork, changes=(
            *_edited("scratch/conv.py", "ConvNetwork", SCRATCH_BASE,
                     "__init__ feedforward backprop", derivative="backprop"),
            *(Change(f"scratch/conv.py::{name}") for name in
              ("patches", "convolve", "max_pool", "pool_winners", "to_columns", "from_columns")),
            Change("scratch/conv.py::unpool", derivative=True))),
        "torch": Version(torch_variants.ConvNet, changes=tuple(
            _edited(TORCH, "ConvNet", TORCH_BASE, "__init__ forward"))),
        "keras": Version("variants.build_conv",
                         changes=(Change(f"{KERAS}::build_conv", KERAS_BUILD),)),
    }, settings={"eta": 0.1}),  # not written in JAX here
}
