"""The flexibility variants: one change to the baseline network, made in every implementation.

A ``Variant`` names the classes and functions each implementation uses for it, the training
settings that differ from the baseline's, and, as ``Change`` entries, the functions written or
edited for it. The ``flexibility`` experiment counts those changes from the source; the
runners (``runners.py``) build the networks from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from comparison.scratch import conv, network
from comparison.scratch import variants as scratch_variants
from comparison.scratch.costs import LogLikelihoodCost
from comparison.torch import network as torch_net
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
class Variant:
    title: str
    scratch_network: type = network.Network
    torch_model: type = torch_net.Net
    scratch_changes: tuple[Change, ...] = ()
    torch_changes: tuple[Change, ...] = ()
    scratch_cost: type | None = None  # None: the configured cost
    torch_cost: Callable | None = None
    torch_optimizer: Callable | None = None  # None: torch/network.py make_optimizer
    # Keras is an optional extra, so its functions are named ("module.function" under
    # ``comparison.keras``) and imported only by the Keras runner.
    keras_model: str = "network.build"
    keras_changes: tuple[Change, ...] = ()
    keras_cost: str | None = None  # None: the configured cost
    keras_compile: str = "network.compile_model"
    # JAX too (``comparison.jax``); ``jax_forward=None``: the variant is not written in JAX
    jax_forward: str | None = "network.forward"
    jax_changes: tuple[Change, ...] = ()
    jax_cost: str | None = None  # None: the configured cost
    jax_optimizer: str = "network.make_optimizer"
    settings: dict = field(default_factory=dict)  # what differs from the baseline's training
    deterministic: bool = True  # False: the two draw different random numbers


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
    "relu": Variant(
        "ReLU hidden neurons",
        scratch_network=scratch_variants.ReLUNetwork, torch_model=torch_variants.ReLUNet,
        scratch_changes=(*_edited(SCRATCH, "ReLUNetwork", SCRATCH_BASE, "feedforward backprop",
                                  derivative="backprop"),
                         Change("scratch/activations.py::relu"),
                         Change("scratch/activations.py::relu_prime", derivative=True)),
        torch_changes=tuple(_edited(TORCH, "ReLUNet", TORCH_BASE, "forward")),
        keras_model="variants.build_relu",
        keras_changes=(Change(f"{KERAS}::build_relu", KERAS_BUILD),),
        jax_forward="variants.relu_forward",
        jax_changes=(Change(f"{JAX}::relu_forward", "jax/network.py::forward"),),
        settings={"eta": 0.1}),
    "softmax": Variant(
        "Softmax output, log-likelihood cost",
        scratch_network=scratch_variants.SoftmaxNetwork,
        scratch_changes=(*_edited(SCRATCH, "SoftmaxNetwork", SCRATCH_BASE,
                                  "__init__ feedforward backprop"),
                         Change("scratch/activations.py::softmax"),
                         Change("scratch/costs.py::LogLikelihoodCost.fn"),
                         Change("scratch/costs.py::LogLikelihoodCost.delta", derivative=True)),
        torch_changes=(Change(f"{TORCH}::log_likelihood_cost",
                              "torch/network.py::cross_entropy_cost"),),
        keras_changes=(Change(f"{KERAS}::log_likelihood_cost",
                              "keras/network.py::cross_entropy_cost"),),
        scratch_cost=LogLikelihoodCost, torch_cost=torch_variants.log_likelihood_cost,
        keras_cost="variants.log_likelihood_cost",
        jax_changes=(Change(f"{JAX}::log_likelihood_cost",
                            "jax/network.py::cross_entropy_cost"),),
        jax_cost="variants.log_likelihood_cost"),
    "momentum": Variant(
        "SGD with momentum",
        scratch_network=scratch_variants.MomentumNetwork,
        scratch_changes=tuple(_edited(SCRATCH, "MomentumNetwork", SCRATCH_BASE,
                                      "__init__ update_mini_batch")),
        torch_changes=(Change(f"{TORCH}::make_momentum_optimizer",
                              "torch/network.py::make_optimizer"),),
        torch_optimizer=torch_variants.make_momentum_optimizer,
        keras_changes=(Change(f"{KERAS}::compile_momentum", "keras/network.py::compile_model"),),
        keras_compile="variants.compile_momentum",
        jax_changes=(Change(f"{JAX}::make_momentum_optimizer",
                            "jax/network.py::make_optimizer"),),
        jax_optimizer="variants.make_momentum_optimizer",
        settings={"eta": 0.05}),
    "dropout": Variant(
        "Dropout on the hidden layer",
        scratch_network=scratch_variants.DropoutNetwork, torch_model=torch_variants.DropoutNet,
        scratch_changes=tuple(_edited(SCRATCH, "DropoutNetwork", SCRATCH_BASE,
                                      "__init__ backprop", derivative="backprop")),
        torch_changes=tuple(_edited(TORCH, "DropoutNet", TORCH_BASE, "__init__ forward")),
        keras_model="variants.build_dropout",
        keras_changes=(Change(f"{KERAS}::build_dropout", KERAS_BUILD),),
        jax_forward=None, deterministic=False),
    "two-hidden": Variant("Two hidden layers", settings={"hidden": (100, 100)}),
    "conv": Variant(
        "Convolutional front layer (5x5, 20 maps, 2x2 max-pool)",
        scratch_network=conv.ConvNetwork, torch_model=torch_variants.ConvNet,
        scratch_changes=(*_edited("scratch/conv.py", "ConvNetwork", SCRATCH_BASE,
                                  "__init__ feedforward backprop", derivative="backprop"),
                         *(Change(f"scratch/conv.py::{name}") for name in
                           ("patches", "convolve", "max_pool", "pool_winners", "to_columns",
                            "from_columns")),
                         Change("scratch/conv.py::unpool", derivative=True)),
        torch_changes=tuple(_edited(TORCH, "ConvNet", TORCH_BASE, "__init__ forward")),
        keras_model="variants.build_conv",
        keras_changes=(Change(f"{KERAS}::build_conv", KERAS_BUILD),),
        jax_forward=None, settings={"eta": 0.1}),
}
