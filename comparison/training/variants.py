"""The flexibility variants: one change to the baseline network, made in every implementation.

A ``Variant`` names the change and holds the training settings that differ from the
baseline's; each implementation declares its ``Version`` of it in its own folder
(``<impl>/declared.py``: the classes and functions it uses, and, as ``Change`` entries, the
functions written or edited for it). The ``flexibility`` experiment counts the changes from the
source; each runner builds its network from its own version (``runners.py``). ``resolved`` is
the one place where a variant's settings meet the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from comparison.implementations import Version, declarations


@dataclass(frozen=True)
class Variant:
    name: str  # its key in every implementation's ``VERSIONS``
    title: str
    settings: dict = field(default_factory=dict)  # what differs from the baseline's training
    deterministic: bool = True  # False: the two draw different random numbers

    @property
    def versions(self) -> dict[str, Version]:
        """Implementation -> its version, as each declares it. An implementation missing here
        has not written the variant, unless no implementation has: then the variant changes
        no code at all (only ``settings``)."""
        return {impl: found[self.name] for impl, found in declarations("VERSIONS").items()
                if self.name in found}

    def version(self, impl: str) -> Version | None:
        """``impl``'s version of this variant, or None where it is not written."""
        versions = self.versions
        return versions.get(impl) if versions else Version()


def resolved(defaults: Mapping, variant: Variant, given: Mapping = MappingProxyType({})
             ) -> dict:
    """Training settings, in the one order every caller uses: what the caller gives, else
    the variant's own settings, else ``defaults``."""
    return {**defaults, **variant.settings, **given}


def _variants(*variants: Variant) -> dict[str, Variant]:
    return {variant.name: variant for variant in variants}


VARIANTS = _variants(
    Variant("baseline", "Baseline: sigmoid neurons, cross-entropy, plain SGD"),
    Variant("relu", "ReLU hidden neurons", settings={"eta": 0.1}),
    Variant("softmax", "Softmax output, log-likelihood cost"),
    Variant("momentum", "SGD with momentum", settings={"eta": 0.05}),
    Variant("dropout", "Dropout on the hidden layer", deterministic=False),
    Variant("two-hidden", "Two hidden layers", settings={"hidden": (100, 100)}),
    Variant("conv", "Convolutional front layer (5x5, 20 maps, 2x2 max-pool)",
            settings={"eta": 0.1}),
)
