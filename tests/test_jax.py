"""The optional JAX implementation computes what the other three compute, written two ways."""

from dataclasses import replace

import numpy as np
import pytest

from comparison.experiments.equivalence import max_difference, train_pair
from comparison.training import TrainConfig, minibatches
from comparison.training.runners import make_runner, scratch_network

pytest.importorskip("jax", reason="the JAX extra is not installed")
pytest.importorskip("optax", reason="the JAX extra is not installed")

SETTINGS = [
    pytest.param(dict(cost="quadratic", eta=3.0, lmbda=0.0, init="large"), id="quadratic"),
    pytest.param(dict(cost="quadratic", eta=3.0, lmbda=5.0, init="large"), id="quadratic-L2"),
    pytest.param(dict(cost="cross-entropy", eta=0.5, lmbda=5.0, init="scaled"), id="xent-L2"),
]


@pytest.mark.parametrize("setting", SETTINGS)
def test_jax_matches_scratch_after_training(digits, setting):
    config = TrainConfig(hidden=(20, 15), batch_size=7, device="cpu", **setting)
    scratch, jax_params = train_pair(config, digits, 2, other="jax")
    initial = make_runner(config, digits).parameters()
    assert max_difference(scratch, initial) > 1e-2, "training must actually move the weights"
    assert max_difference(scratch, jax_params) < 1e-9


@pytest.mark.parametrize("setting", SETTINGS)
def test_the_port_matches_scratch_after_training(digits, setting):
    """The scratch forward pass and cost in jax.numpy, with jax.grad for backprop."""
    from comparison.jax import port

    config = TrainConfig(hidden=(20, 15), batch_size=7, device="cpu", **setting)
    net = scratch_network(config)
    weights, biases = net.weights, net.biases
    y = np.eye(10)[digits.train.y].T
    rng = np.random.default_rng(config.seed)
    for _ in range(2):
        batches = minibatches(len(digits.train), config.batch_size, rng)
        for batch in batches:
            weights, biases = port.update_mini_batch(
                weights, biases, digits.train.x[batch].T.astype(np.float64), y[:, batch],
                config.eta, config.lmbda, len(digits.train), cost=config.cost)
        for batch in batches:
            net.update_mini_batch(digits.train.x[batch].T.astype(np.float64), y[:, batch],
                                  config.eta, config.lmbda, len(digits.train))
    ported = [(np.asarray(w), np.asarray(b)) for w, b in zip(weights, biases)]
    assert max_difference(net.parameters(), ported) < 1e-9


def test_float32_stays_float32_although_x64_is_on(digits):
    runner = make_runner(TrainConfig(impl="jax", dtype="float32", device="cpu"), digits)
    runner.train_epoch(minibatches(len(digits.train), 10, np.random.default_rng(0))[:3])
    assert {w.dtype for pair in runner.parameters() for w in pair} == {np.dtype("float32")}
    assert runner.split("training").x.dtype == np.float32


def test_training_waits_for_the_last_step(digits, monkeypatch):
    """JAX returns before the work is done; an epoch must not (a timer would see nothing)."""
    import jax

    runner = make_runner(TrainConfig(impl="jax", hidden=(8,), device="cpu"), digits)
    waited, block = [], jax.block_until_ready
    monkeypatch.setattr(jax, "block_until_ready", lambda tree: waited.append(tree) or block(tree))
    runner.train_epoch(minibatches(len(digits.train), 100, np.random.default_rng(0)))
    assert len(waited) == 1 and waited[0][0] is runner.model, "wait for the final parameters"


def test_a_callback_sees_the_parameters_of_its_step(digits):
    """Time to accuracy evaluates inside the callback: it must see the training so far."""
    runner = make_runner(TrainConfig(impl="jax", hidden=(8,), device="cpu"), digits)
    seen = []
    runner.train_epoch(minibatches(len(digits.train), 10, np.random.default_rng(0)),
                       on_batch=lambda: seen.append(runner.parameters()[0][0].copy()))
    assert max_difference([(seen[0], seen[0])], [(seen[1], seen[1])]) > 0


@pytest.mark.parametrize("variant", ["relu", "softmax", "momentum"])
def test_variants_match_scratch(digits, variant):
    config = TrainConfig(hidden=(20,), batch_size=10, cost="cross-entropy", eta=0.1,
                         init="scaled", device="cpu", variant=variant)
    scratch, jax_params = train_pair(config, digits, 2, other="jax")
    assert max_difference(scratch, jax_params) < 1e-9


def test_a_variant_not_written_in_jax_says_so(digits):
    with pytest.raises(ValueError, match="'dropout' variant is not written in JAX"):
        make_runner(TrainConfig(impl="jax", variant="dropout"), digits)


def test_export_round_trip_any_batch_size(digits, tmp_path):
    runner = make_runner(TrainConfig(impl="jax", hidden=(8,), device="cpu"), digits)
    loaded = runner.export(tmp_path / "model.jax")
    x = digits.test.x[:7]
    np.testing.assert_allclose(loaded(x), runner.outputs(x), rtol=1e-12)
    assert loaded(digits.test.x[:3]).shape == (3, 10)


def test_evaluation_matches_scratch_on_the_same_weights(digits):
    config = TrainConfig(hidden=(20,), cost="cross-entropy", device="cpu")
    scratch = make_runner(config, digits)
    twin = make_runner(replace(config, impl="jax", init_from="scratch"), digits)
    for split in ("validation", "test"):
        (c1, a1), (c2, a2) = scratch.evaluate(split), twin.evaluate(split)
        assert a1 == a2 and c1 == pytest.approx(c2, rel=1e-9)


def test_the_ports_cross_entropy_gradient_is_nan_where_a_neuron_saturates():
    """What the code page says of the port: autodiff of the book's cross-entropy, written on
    the activations, meets 0 * inf where a == 1; the idiomatic cost on the logits does not."""
    import jax
    import jax.numpy as jnp

    from comparison.jax import network, port

    z, y = jnp.array([[40.0]]), jnp.array([[1.0]])  # sigmoid(40) == 1.0 in float64
    assert jnp.isnan(jax.grad(lambda z: port.cross_entropy(port.sigmoid(z), y))(z)).all()
    assert jnp.isfinite(jax.grad(lambda z: network.cross_entropy_cost(z, y))(z)).all()


def test_cli_trains_jax_and_writes_a_run_record(tiny, tmp_path):
    import json

    from comparison.cli import main

    folder, _ = tiny
    out = tmp_path / "run.json"
    assert main(["train", "--impl", "jax", "--epochs", "2", "--data", str(folder),
                 "--device", "cpu", "--train-size", "37", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert record["config"]["impl"] == "jax" and len(record["history"]["test_accuracy"]) == 2
    assert record["provenance"]["jax"]


def test_divergence_stops_with_a_hint(tiny_data):
    from comparison.training import TrainingDiverged, train

    config = TrainConfig(impl="jax", epochs=3, eta=1e308, lmbda=1.0, device="cpu")
    with pytest.raises(TrainingDiverged, match="smaller eta"):
        train(config, tiny_data, progress=False)
