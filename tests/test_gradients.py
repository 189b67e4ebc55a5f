"""Backpropagation is checked against the definition of a derivative."""

import numpy as np
import pytest

from comparison.data.batches import one_hot
from comparison.scratch import COSTS, Network


def small_problem(cost: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    net = Network([6, 5, 4, 3], cost=COSTS[cost], init="scaled", seed=seed)
    x = rng.random((6, 8))
    y = one_hot(rng.integers(0, 3, 8), n_classes=3)
    return net, x, y


def numerical_gradient(net: Network, x, y, layer: int, which: str, eps: float = 1e-6):
    """Central differences of the summed cost with respect to every entry of one array."""
    array = (net.weights if which == "w" else net.biases)[layer]
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = net.cost.fn(net.feedforward(x), y)
        array[index] = saved - eps
        minus = net.cost.fn(net.feedforward(x), y)
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy"])
def test_backprop_matches_finite_differences(cost):
    net, x, y = small_problem(cost)
    nabla_b, nabla_w = net.backprop(x, y)
    for layer in range(3):
        assert relative_error(nabla_w[layer], numerical_gradient(net, x, y, layer, "w")) < 1e-6
        assert relative_error(nabla_b[layer], numerical_gradient(net, x, y, layer, "b")) < 1e-6


@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy"])
def test_matrix_backprop_equals_the_books_per_example_loop(cost):
    net, x, y = small_problem(cost)
    matrix_b, matrix_w = net.backprop(x, y)
    loop_b, loop_w = net.backprop_per_example(x, y)
    for a, b in zip(matrix_w + matrix_b, loop_w + loop_b):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_the_check_catches_a_wrong_output_error(monkeypatch):
    """Plant the classic bug (forgetting sigma'(z) in the quadratic cost's delta)."""
    net, x, y = small_problem("quadratic")
    monkeypatch.setattr(net.cost, "delta", staticmethod(lambda z, a, y: a - y))
    nabla_b, nabla_w = net.backprop(x, y)
    assert relative_error(nabla_w[-1], numerical_gradient(net, x, y, 2, "w")) > 1e-2


def test_update_applies_the_books_l2_scaling():
    """One step by hand: W <- (1 - eta lmbda / n) W - (eta / m) grad."""
    net, x, y = small_problem("cross-entropy")
    w0 = [w.copy() for w in net.weights]
    b0 = [b.copy() for b in net.biases]
    nabla_b, nabla_w = net.backprop(x, y)
    eta, lmbda, n, m = 0.5, 5.0, 100, x.shape[1]
    net.update_mini_batch(x, y, eta, lmbda, n)
    for w, w_start, nw in zip(net.weights, w0, nabla_w):
        np.testing.assert_allclose(w, (1 - eta * lmbda / n) * w_start - eta / m * nw)
    for b, b_start, nb in zip(net.biases, b0, nabla_b):
        np.testing.assert_allclose(b, b_start - eta / m * nb)
