"""``make_runner``: the runner of the implementation a ``TrainConfig`` names.

Each implementation's runner lives in its own folder (``scratch/runner.py``, ...) and the
registry (``implementations.py``) names it; this module imports it only when asked for (Keras
and JAX are optional extras), and gives the frameworks the scratch network's initial weights
when the config asks for that paired start.
"""

from __future__ import annotations

import numpy as np

from comparison import implementations
from comparison.data import Dataset
from comparison.scratch import COSTS
from comparison.scratch.network import Network
from comparison.scratch.tuned import TunedNetwork
from comparison.training.config import TrainConfig
from comparison.training.protocol import Runner
from comparison.training.variants import VARIANTS


def make_runner(config: TrainConfig, data: Dataset, n_train: int | None = None) -> Runner:
    """The runner for ``config.impl`` over ``data``; ``n_train`` scales L2 (default: all)."""
    n_train = n_train or len(data.train)
    implementation = implementations.get(config.impl)
    implementation.require()  # Keras and JAX: their optional extras
    version = VARIANTS[config.variant].version(config.impl)
    if version is None:
        raise ValueError(f"the {config.variant!r} variant is not written in "
                         f"{implementation.label} here; choose another variant or "
                         "implementation")
    runner_class = implementation.runner_class()
    if config.impl == "scratch":  # the one implementation whose network is built here
        return runner_class(config, data, n_train, scratch_network(config))
    runner = runner_class(config, data, n_train, version)
    if config.init_from == "scratch":
        runner.set_parameters(scratch_network(config).parameters())
    return runner


def scratch_network(config: TrainConfig) -> Network:
    """The from-scratch network (of ``config.variant``) that ``config`` describes."""
    if config.tuned:
        return TunedNetwork(config.sizes(), cost=COSTS[config.cost], init=config.init,
                            seed=config.seed, dtype=np.dtype(config.dtype))
    version = VARIANTS[config.variant].version("scratch")
    build = version.model or Network
    return build(config.sizes(), cost=version.cost or COSTS[config.cost], init=config.init,
                 seed=config.seed, dtype=np.dtype(config.dtype))
