"""Checks the command line makes before any long work, on what argparse cannot see alone: a
combination of options, the environment, the size of what would be allocated. Each raises
``ValueError`` with one line naming the problem and the fix (a usage error, exit status 2)."""

from __future__ import annotations

import os

from comparison import implementations
from comparison.arguments import folder_problem, shown
from comparison.data import ENV_VAR
from comparison.training import TrainConfig
from comparison.training.variants import VARIANTS

# 20 million float64 parameters are 160 MB; training holds several copies (gradients, the
# frameworks' own), so more only ends when the operating system stops the process.
MAX_PARAMETERS = 20_000_000


def check_data_env() -> None:
    """``$NN_COMPARE_DATA``, when set, must name a folder: a wrong value is an error, as a
    wrong ``--data`` is, rather than silently passed over for a download."""
    value = os.environ.get(ENV_VAR)
    if value is None:
        return
    problem = folder_problem(value)
    if problem:
        raise ValueError(f"${ENV_VAR}={shown(value)} {problem}: set it to the folder that "
                         f"holds the MNIST files, or unset it (unset {ENV_VAR})")


def parameter_count(sizes: list[int]) -> int:
    """Weights and biases of a fully connected network with these layer sizes."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False))


def check_train_config(config: TrainConfig) -> None:
    """What ``config`` asks that no implementation can do, refused before data is loaded."""
    variant = VARIANTS[config.variant]
    if variant.version(config.impl) is None:
        others = [impl for impl in implementations.names() if variant.version(impl)]
        written = [name for name, v in VARIANTS.items() if v.version(config.impl)]
        raise ValueError(f"--impl {config.impl} has no {config.variant} variant: choose "
                         f"--impl {', '.join(others[:-1])} or {others[-1]}, or a variant "
                         f"{implementations.get(config.impl).label} has ({', '.join(written)})")
    layers = variant.settings.get("hidden")
    if layers is not None and len(config.hidden) != len(layers):
        raise ValueError(f"--variant {config.variant} has {len(layers)} hidden layers, and "
                         f"--hidden gives {len(config.hidden)}: give {len(layers)} sizes "
                         f"(e.g. --hidden {' '.join(map(str, layers))}) or leave --hidden out")
    count = parameter_count(config.sizes())
    if count > MAX_PARAMETERS:
        raise ValueError(f"--hidden {' '.join(map(str, config.hidden))} makes a network of "
                         f"{count:,} parameters ({count * 8 / 2**30:.1f} GB in float64, several "
                         f"times that while training); at most {MAX_PARAMETERS:,}: use fewer "
                         "or smaller layers")


def check_weight_decay(config: TrainConfig, n_train: int) -> None:
    """L2 multiplies the weights by ``1 - eta * lmbda / n`` at each step: beyond -1 they grow
    without bound, whatever the gradient does, so the fault is ``--lmbda``'s, not ``--eta``'s."""
    factor = config.eta * (config.lmbda / n_train)  # in this order, 1e308 does not overflow
    if factor > 2:
        largest = 2 * n_train / config.eta
        raise ValueError(f"--lmbda {config.lmbda:g} with --eta {config.eta:g} on {n_train} "
                         f"images multiplies the weights by {1 - factor:.3g} at each step, so "
                         f"training would diverge: use --lmbda below {largest:g}")
