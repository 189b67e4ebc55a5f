import json

import numpy as np
import pytest
import torch

from comparison.cli import main
from comparison.training import TrainConfig, TrainingDiverged, minibatches, train


@pytest.mark.parametrize(("changes", "message"), [
    (dict(eta=0), "eta must be > 0"),
    (dict(batch_size=0), "batch size must be >= 1"),
    (dict(hidden=(0,)), "hidden layer needs >= 1"),
    (dict(impl="mxnet"), "unknown implementation 'mxnet'"),
    (dict(impl="torch", per_example=True), "reference path only"),
    (dict(impl="torch", tuned=True), "tuned step is the scratch baseline"),
    (dict(tuned=True, variant="relu"), "tuned step is the scratch baseline"),
    (dict(tuned=True, per_example=True), "without --per-example"),
])
def test_invalid_configs_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**changes)


def test_minibatches_cover_every_example_once():
    batches = minibatches(23, 5, np.random.default_rng(0))
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate(batches)) == list(range(23))


@pytest.mark.parametrize("impl", ["scratch", "torch"])
def test_training_learns_the_tiny_dataset(tiny_data, impl):
    config = TrainConfig(impl=impl, epochs=8, eta=3.0, device="cpu")
    record = train(config, tiny_data, progress=False)
    history = record["history"]
    assert history["epoch"] == list(range(1, 9))
    assert history["validation_accuracy"][-1] > 0.5  # chance is 0.1
    assert record["best"]["test_accuracy"] == max(history["test_accuracy"])


@pytest.mark.parametrize("impl", ["scratch", "torch"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_stops_with_a_hint(tiny_data, impl):
    # A decay factor 1 - eta * lmbda / n of about -1e306 overflows the weights within a step.
    config = TrainConfig(impl=impl, epochs=3, eta=1e308, lmbda=1.0, device="cpu")
    with pytest.raises(TrainingDiverged, match="smaller eta"):
        train(config, tiny_data, progress=False)


def test_cli_train_writes_a_run_record(tiny, tmp_path, capsys):
    folder, _ = tiny
    out = tmp_path / "run.json"
    assert main(["train", "--impl", "torch", "--epochs", "2", "--data", str(folder),
                 "--device", "cpu", "--train-size", "37", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert len(record["history"]["test_accuracy"]) == 2
    assert record["config"]["impl"] == "torch"
    for key in ("commit", "date_utc", "numpy", "torch", "cpu", "torch_threads"):
        assert key in record["provenance"]
    printed = capsys.readouterr().out
    assert "(37 training images" in printed and "best test accuracy" in printed


@pytest.mark.parametrize("args", [["--eta", "-1"], ["--batch-size", "0"], ["--impl", "mxnet"],
                                  ["--hidden", "0"]])
def test_cli_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", *args])
    assert exit_.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_cli_data_error_is_one_clear_message(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no mnist files are there" in err and "Traceback" not in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
@pytest.mark.parametrize("command", [["train", "--impl", "torch"], ["run", "--only", "code"]])
def test_asking_for_an_absent_gpu_is_a_clear_usage_error(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--device", "cuda"])
    assert exit_.value.code == 2
    assert "sees no CUDA GPU" in capsys.readouterr().err


def test_the_books_sgd_trains_exactly_as_the_runner_does(digits, capsys):
    """``Network.SGD`` (the book's loop) and ``train`` see the same batches for one seed."""
    from comparison.scratch import Network, QuadraticCost

    config = TrainConfig(hidden=(12,), epochs=2, seed=3, eta=3.0, device="cpu")
    record_net = Network([784, 12, 10], cost=QuadraticCost, init="large", seed=3)
    record_net.SGD(digits.train.x, digits.train.y, epochs=2, mini_batch_size=10, eta=3.0,
                   test=(digits.test.x, digits.test.y), seed=3)
    assert capsys.readouterr().out.count("on test data") == 2
    from comparison.training import make_runner
    from comparison.training.loop import minibatches as loop_batches

    runner = make_runner(config, digits)
    rng = np.random.default_rng(3)
    for _ in range(2):
        runner.train_epoch(loop_batches(len(digits.train), 10, rng))
    # the same batches; only the memory layout of the inputs (and so the round-off) differs
    for (w1, b1), (w2, b2) in zip(record_net.parameters(), runner.parameters()):
        np.testing.assert_allclose(w1, w2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b1, b2, rtol=0, atol=1e-12)
