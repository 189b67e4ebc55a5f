"""The optional Keras implementation computes what the other two compute."""

from dataclasses import replace

import numpy as np
import pytest

from comparison.experiments.equivalence import max_difference, train_pair
from comparison.training import TrainConfig, minibatches
from comparison.training.runners import make_runner

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


def test_progress_bar_advances_batch_by_batch(digits):
    """fit wants every batch up front; the bar must still count them as they train."""
    runner = make_runner(TrainConfig(impl="keras", hidden=(8,), device="cpu"), digits)
    batches = minibatches(len(digits.train), 100, np.random.default_rng(0))
    seen = []
    runner.train_epoch(batches, on_batch=lambda: seen.append(
        int(runner.model.optimizer.iterations)))
    assert seen == list(range(1, len(batches) + 1)), "one call after each step, not at the end"


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


def test_tensorboard_callback_logs_what_fit_returns(digits, tmp_path):
    from comparison.experiments.tooling import read_back_keras
    from comparison.keras import tooling as keras_tooling

    runner = make_runner(TrainConfig(impl="keras", hidden=(8,), cost="cross-entropy", eta=0.5,
                                     init="scaled", dtype="float32", device="cpu"), digits)
    train, validation = runner.split("training"), runner.split("validation")
    history = keras_tooling.fit_with_tensorboard(runner.model, train.x, train.target,
                                                 (validation.x, validation.target),
                                                 epochs=2, batch_size=10, log_dir=tmp_path)
    board = read_back_keras(tmp_path, history)
    assert len(history["loss"]) == 2 and len(history["val_loss"]) == 2
    assert board.scalar_max_difference < 1e-6
    assert board.histograms == 4 * 2, "a kernel and a bias per layer, every epoch"


def test_keras_export_round_trip_gives_the_same_outputs(digits, tmp_path):
    from comparison.keras import tooling as keras_tooling

    runner = make_runner(TrainConfig(impl="keras", hidden=(8,), dtype="float32", device="cpu"),
                         digits)
    x = runner.split("test").x
    keras_tooling.export(runner.model, tmp_path / "saved")
    loaded = keras_tooling.load_exported(tmp_path / "saved")
    np.testing.assert_array_equal(np.asarray(loaded(x)), runner.model.predict_on_batch(x))
    np.testing.assert_array_equal(runner.export(tmp_path / "again")(x), runner.outputs(x))


def test_conv_parameters_convert_between_layouts_both_ways(digits):
    """Keras's (rows, columns, in, maps) filters and channels-last Flatten order come back in
    PyTorch's layout, and go in again unchanged."""
    config = TrainConfig(impl="keras", variant="conv", hidden=(10,), device="cpu")
    runner = make_runner(config, digits)
    parameters = runner.parameters()
    assert parameters[0][0].shape == (20, 1, 5, 5) and parameters[1][0].shape == (10, 2880)
    scratch = make_runner(replace(config, impl="scratch"), digits).parameters()
    runner.set_parameters(scratch)
    for (w, b), (w_again, b_again) in zip(scratch, runner.parameters()):
        np.testing.assert_array_equal(w, w_again)
        np.testing.assert_array_equal(b, b_again)
