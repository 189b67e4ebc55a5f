"""Training every implementation the same way: one config, one batch order, one history.

    config.py    ``TrainConfig``, a typed description of one run, validated on creation
    protocol.py  ``Runner``: the verbs every implementation offers experiments and tests
    runners.py   ``make_runner``: the right implementation's runner for a config
    variants.py  the flexibility variants, each named in every implementation
    loop.py      ``train``: epochs of mini-batches, evaluation, history
"""

from comparison.training.config import TrainConfig, installed
from comparison.training.loop import TrainingDiverged, best_epoch, minibatches, train
from comparison.training.protocol import Runner
from comparison.training.runners import make_runner

__all__ = ["Runner", "TrainConfig", "TrainingDiverged", "best_epoch", "installed",
           "make_runner", "minibatches", "train"]
