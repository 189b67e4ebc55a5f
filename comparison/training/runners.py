"""``make_runner``: the runner of the implementation a ``TrainConfig`` names.

Each implementation's runner lives in its own folder (``scratch/runner.py``, ...); this module
only picks one, imports Keras or JAX only when asked for, and gives the frameworks the scratch
network's initial weights when the config asks for that paired start.
"""

from __future__ import annotations

import numpy as np

from comparison.data import Dataset
from comparison.scratch import COSTS
from comparison.scratch.network import Network
from comparison.scratch.tuned import TunedNetwork
from comparison.training.config import TrainConfig, installed
from comparison.training.protocol import Runner
from comparison.training.variants import VARIANTS


def make_runner(config: TrainConfig, data: Dataset, n_train: int | None = None) -> Runner:
    """The runner for ``config.impl`` over ``data``; ``n_train`` scales L2 (default: all)."""
    n_train = n_train or len(data.train)
    variant = VARIANTS[config.variant]
    if config.impl == "scratch":
        from comparison.scratch.runner import ScratchRunner

        return ScratchRunner(config, data, n_train, scratch_network(config))
    if config.impl == "torch":
        from comparison.torch.runner import TorchRunner

        runner = TorchRunner(config, data, n_train, variant)
    elif config.impl == "keras":
        _needs_extra("keras", "Keras", "requirements-keras.txt")
        from comparison.keras.runner import KerasRunner

        runner = KerasRunner(config, data, n_train, variant)
    else:
        _needs_extra("jax", "JAX", "requirements-jax.txt")
        from comparison.jax.runner import JaxRunner

        runner = JaxRunner(config, data, n_train, variant)
    if config.init_from == "scratch":
        runner.set_parameters(scratch_network(config).parameters())
    return runner


def _needs_extra(impl: str, name: str, requirements: str) -> None:
    if impl not in installed():
        raise ValueError(f"the {name} implementation needs its optional extra: "
                         f"pip install -r {requirements}")


def scratch_network(config: TrainConfig) -> Network:
    """The from-scratch network (of ``config.variant``) that ``config`` describes."""
    variant = VARIANTS[config.variant]
    if config.tuned:
        return TunedNetwork(config.sizes(), cost=COSTS[config.cost], init=config.init,
                            seed=config.seed, dtype=np.dtype(config.dtype))
    return variant.scratch_network(config.sizes(), cost=variant.scratch_cost or COSTS[config.cost],
                                   init=config.init, seed=config.seed, dtype=np.dtype(config.dtype))
