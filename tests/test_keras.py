"""The optional Keras implementation computes what the other two compute."""

from dataclasses import replace

import numpy as np
import pytest

from comparison.experiments.equivalence import max_difference, train_pair
from comparison.runners import make_runner
from comparison.training import TrainConfig

pytest.importorskip("keras", reason="the Keras extra is not installed")

SETTINGS = [
    pytest.param(dict(cost="quadratic", eta=3.0, lmbda=0.0, init="large"), id="quadratic"),
    pytest.param(dict(cost="cross-entropy", eta=0.5, lmbda=5.0, init="scaled"), id="xent-L2"),
]


@pytest.mark.parametrize("setting", SETTINGS)
def test_keras_matches_scratch_after_training(digits, setting):
    config = TrainConfig(hidden=(20, 15), batch_size=7, device="cpu", **setting)
    scratch, keras_params = train_pair(config, digits, 2, other="keras")
    initial = make_runner(config, digits).parameters()
    assert max_difference(scratch, initial) > 1e-2, "training must actually move the weights"
    assert max_difference(scratch, keras_params) < 1e-9


def test_kernels_are_stored_transposed_and_converted_back(digits):
    """Keras keeps (n_in, n_out); the exchange format is the book's (n_out, n_in)."""
    runner = make_runner(TrainConfig(impl="keras", hidden=(20,), device="cpu"), digits)
    kernel, _ = runner.model.layers[0].get_weights()
    assert kernel.shape == (784, 20)
    w, b = runner.parameters()[0]
    assert w.shape == (20, 784) and b.shape == (20, 1)
    np.testing.assert_array_equal(w, kernel.T)


def test_keras_evaluation_matches_scratch_on_the_same_weights(digits):
    config = TrainConfig(hidden=(20,), cost="cross-entropy", device="cpu")
    scratch = make_runner(config, digits)
    keras_runner = make_runner(replace(config, impl="keras", init_from="scratch"), digits)
    np.testing.assert_allclose(keras_runner.evaluate("test"), scratch.evaluate("test"),
                               rtol=1e-9)
