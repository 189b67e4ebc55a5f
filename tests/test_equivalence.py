"""The foundation of every comparison: both implementations compute the same thing.

From the same initial parameters and the same mini-batch order, two epochs of training must
leave every parameter equal to float64 round-off. The planted-bug tests show that the
comparison is sharp enough to catch a wrong update.
"""

from dataclasses import replace

import pytest
import torch

from comparison.data import Dataset
from comparison.experiments.equivalence import TUNED, max_difference, train_pair
from comparison.torch import network as torch_net
from comparison.training import TrainConfig
from comparison.training.runners import make_runner

EPOCHS, TOLERANCE = 2, 1e-9


def train_both(config: TrainConfig, data: Dataset) -> tuple[list, list]:
    return train_pair(config, data, EPOCHS)


SETTINGS = [
    pytest.param(dict(cost="quadratic", eta=3.0, lmbda=0.0, init="large"), id="quadratic"),
    pytest.param(dict(cost="quadratic", eta=3.0, lmbda=5.0, init="large"), id="quadratic-L2"),
    pytest.param(dict(cost="cross-entropy", eta=0.5, lmbda=0.0, init="scaled"), id="xent"),
    pytest.param(dict(cost="cross-entropy", eta=0.5, lmbda=5.0, init="scaled"), id="xent-L2"),
]


@pytest.mark.parametrize("setting", SETTINGS)
def test_same_parameters_after_training(digits, setting):
    config = TrainConfig(hidden=(30,), batch_size=10, device="cpu", **setting)
    scratch, torch_params = train_both(config, digits)
    initial = make_runner(config, digits).parameters()
    assert max_difference(scratch, initial) > 1e-2, "training must actually move the weights"
    assert max_difference(scratch, torch_params) < TOLERANCE


@pytest.mark.parametrize("setting", SETTINGS)
def test_the_tuned_step_is_the_books_update(digits, setting):
    """In place, scaled before the product, sigmoid overwriting z: the same maths."""
    config = TrainConfig(hidden=(20, 15), batch_size=7, seed=3, **setting)
    scratch, tuned = train_pair(config, digits, EPOCHS, TUNED)
    assert max_difference(scratch, make_runner(config, digits).parameters()) > 1e-2
    assert max_difference(scratch, tuned) < TOLERANCE


def test_two_hidden_layers_and_a_short_last_batch(digits):
    config = TrainConfig(hidden=(20, 15), batch_size=7, cost="cross-entropy", eta=0.5,
                         lmbda=1.0, init="scaled", device="cpu")
    scratch, torch_params = train_both(config, digits)
    assert max_difference(scratch, torch_params) < TOLERANCE


def test_float32_agrees_to_float32_round_off(digits):
    config = TrainConfig(dtype="float32", device="cpu")
    scratch, torch_params = train_both(config, digits)
    assert max_difference(scratch, torch_params) < 1e-3


@pytest.mark.parametrize("bug", ["wrong L2 factor", "missing 1/m"])
def test_a_planted_bug_in_the_update_is_caught(digits, monkeypatch, bug):
    """Mutate the PyTorch update slightly; the comparison must see it."""
    if bug == "wrong L2 factor":
        original = torch_net.make_optimizer
        monkeypatch.setattr(torch_net, "make_optimizer",
                            lambda model, eta, lmbda, n: original(model, eta, lmbda, 2 * n))
        setting = dict(cost="cross-entropy", eta=0.5, lmbda=5.0, init="scaled")
    else:
        cost = torch_net.COSTS["quadratic"]
        monkeypatch.setitem(torch_net.COSTS, "quadratic", lambda z, y: cost(z, y) * len(z))
        setting = dict(cost="quadratic", eta=3.0 / 10, lmbda=0.0, init="large")
    config = TrainConfig(device="cpu", **setting)
    scratch, torch_params = train_both(config, digits)
    assert max_difference(scratch, torch_params) > 1e3 * TOLERANCE


def test_paired_runner_starts_from_the_scratch_networks_weights(digits):
    config = TrainConfig(impl="torch", init_from="scratch", device="cpu")
    paired = make_runner(config, digits).parameters()
    own = make_runner(replace(config, init_from="own"), digits).parameters()
    scratch = make_runner(replace(config, impl="scratch"), digits).parameters()
    assert max_difference(paired, scratch) == 0
    assert max_difference(own, scratch) > 0.1


def test_save_and_load_round_trip(digits, tmp_path):
    from comparison.scratch import Network

    scratch = make_runner(TrainConfig(device="cpu"), digits)
    scratch.model.save(tmp_path / "net.json")
    assert max_difference(Network.load(tmp_path / "net.json").parameters(),
                          scratch.parameters()) == 0

    model = make_runner(TrainConfig(impl="torch", device="cpu", dtype="float32"), digits).model
    torch_net.save(model, tmp_path / "net.pt")
    loaded = torch_net.load([784, 30, 10], tmp_path / "net.pt")
    assert all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(),
                                                 model.state_dict().values()))
