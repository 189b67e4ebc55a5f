"""The flexibility variants: the same computation in both implementations, and every
hand-written backward pass checked against the definition of a derivative."""

import importlib.util
from dataclasses import replace

import numpy as np
import pytest

from comparison.data.batches import one_hot
from comparison.experiments.equivalence import max_difference, train_pair
from comparison.experiments.flexibility import count_changes
from comparison.implementations import Change
from comparison.scratch import CrossEntropyCost
from comparison.scratch.activations import sigmoid
from comparison.scratch.conv import ConvNetwork
from comparison.scratch.variants import DropoutNetwork, ReLUNetwork, SoftmaxNetwork
from comparison.training import TrainConfig
from comparison.training.runners import make_runner
from comparison.training.variants import VARIANTS

DETERMINISTIC = [name for name, v in VARIANTS.items() if v.deterministic]
NEEDS_KERAS = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                 reason="the Keras extra is not installed")
FRAMEWORKS = ["torch", pytest.param("keras", marks=NEEDS_KERAS)]
EPOCHS, TOLERANCE = 2, 1e-9  # as for the baseline (test_equivalence.py)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


@pytest.mark.parametrize("other", FRAMEWORKS)
@pytest.mark.parametrize("name", DETERMINISTIC)
def test_every_deterministic_variant_computes_the_same_in_both(digits, name, other):
    settings = {"hidden": (20,), "eta": 0.5} | VARIANTS[name].settings
    config = TrainConfig(variant=name, batch_size=10, cost="cross-entropy", lmbda=1.0,
                         init="scaled", device="cpu", **settings)
    scratch, twin = train_pair(config, digits, EPOCHS, other)
    initial = make_runner(config, digits).parameters()
    assert max_difference(scratch, initial) > 1e-2, "training must actually move the weights"
    assert max_difference(scratch, twin) < TOLERANCE


@pytest.mark.parametrize("impl", ["scratch", *FRAMEWORKS])
def test_dropout_trains_and_is_off_for_evaluation(digits, impl):
    config = TrainConfig(impl=impl, variant="dropout", hidden=(30,), cost="cross-entropy",
                         eta=0.5, init="scaled", device="cpu")
    runner = make_runner(config, digits)
    before = runner.evaluate("test")
    assert runner.evaluate("test") == before, "evaluation must not drop neurons"
    runner.train_epoch(np.array_split(np.arange(len(digits.train)), 100))
    assert runner.evaluate("test")[1] > 0.9


def numerical_gradient(cost, array: np.ndarray, indices, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``cost()`` for the chosen entries of ``array``."""
    grad = []
    for index in indices:
        saved = array[index]
        array[index] = saved + eps
        plus = cost()
        array[index] = saved - eps
        minus = cost()
        array[index] = saved
        grad.append((plus - minus) / (2 * eps))
    return np.array(grad)


def check_backprop(net, x, y, cost, samples: int = 40) -> None:
    """Compare ``net.backprop`` with finite differences on (up to) ``samples`` entries of
    every weight and bias array."""
    nabla_b, nabla_w = net.backprop(x, y)
    rng = np.random.default_rng(0)
    for arrays, nablas in ((net.weights, nabla_w), (net.biases, nabla_b)):
        for array, nabla in zip(arrays, nablas):
            flat = rng.permutation(array.size)[:samples]
            indices = [np.unravel_index(i, array.shape) for i in flat]
            expected = numerical_gradient(cost, array, indices)
            assert relative_error(np.array([nabla[i] for i in indices]), expected) < 1e-6


def problem(n_in: int = 6, m: int = 5, n_out: int = 3):
    rng = np.random.default_rng(3)
    return rng.random((n_in, m)), one_hot(rng.integers(0, n_out, m), n_classes=n_out)


@pytest.mark.parametrize("network_class", [ReLUNetwork, SoftmaxNetwork])
def test_dense_variants_backprop_matches_finite_differences(network_class):
    x, y = problem()
    net = network_class([6, 5, 4, 3], init="scaled", seed=1)
    check_backprop(net, x, y, lambda: net.cost.fn(net.feedforward(x), y))


def test_conv_backprop_matches_finite_differences():
    x, y = problem(n_in=784, m=3)
    net = ConvNetwork([784, 6, 3], cost=CrossEntropyCost, seed=2)
    check_backprop(net, x, y, lambda: net.cost.fn(net.feedforward(x), y), samples=25)


def test_dropout_backprop_matches_finite_differences_for_fixed_masks():
    """The masks come from the network's generator; replaying its state replays the masks."""
    x, y = problem()
    net = DropoutNetwork([6, 5, 4, 3], p=0.4, init="scaled", seed=1)
    state = net.rng.bit_generator.state

    def cost_with_the_same_masks() -> float:
        net.rng.bit_generator.state = state
        a = x
        for layer, (w, b) in enumerate(zip(net.weights, net.biases)):
            a = sigmoid(w @ a + b)
            if layer < len(net.weights) - 1:
                a = a * (net.rng.random(a.shape) >= net.p) / (1 - net.p)
        return net.cost.fn(a, y)

    net.rng.bit_generator.state = state  # check_backprop calls backprop first, once
    check_backprop(net, x, y, cost_with_the_same_masks)


def test_changes_are_counted_against_the_baseline_function():
    optimizer = "torch/network.py::make_optimizer"
    same = count_changes((Change(optimizer, optimizer),))
    assert same["lines_touched"] == 0
    edited = count_changes((Change("torch/variants.py::make_momentum_optimizer",
                                   "torch/network.py::make_optimizer"),))
    assert 1 <= edited["lines_changed"] <= 3 and edited["derivative_lines"] == 0
    new = count_changes((Change("scratch/activations.py::relu_prime", derivative=True),))
    assert new["lines_added"] == new["derivative_lines"] == 2
    renamed = count_changes((Change("keras/variants.py::build_relu", "keras/network.py::build"),))
    assert renamed["lines_touched"] == 1, "only 'sigmoid' -> 'relu'; the new name is no change"


def test_an_unknown_variant_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown variant 'resnet'"):
        TrainConfig(variant="resnet")


def test_paired_start_uses_the_variants_own_initial_weights(digits):
    config = TrainConfig(impl="torch", variant="conv", init_from="scratch", device="cpu")
    paired = make_runner(config, digits).parameters()
    scratch = make_runner(replace(config, impl="scratch"), digits).parameters()
    assert paired[0][0].shape == (20, 1, 5, 5)
    assert max_difference(paired, scratch) == 0
