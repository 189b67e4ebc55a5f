"""The tooling code works: TensorBoard files hold what was logged, exports load back."""

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

from comparison.experiments.tooling import read_back
from comparison.scratch import Network
from comparison.scratch.tooling import plot_history
from comparison.torch import tooling
from comparison.torch.network import Net


def test_tensorboard_event_files_hold_the_logged_values(tmp_path):
    torch.manual_seed(0)
    model, example = Net([784, 8, 10]), torch.rand(2, 784)
    logged = {"test_accuracy": [0.25, 0.5, 0.75], "test_cost": [3.0, 2.0, 1.5]}
    with SummaryWriter(tmp_path) as writer:
        for epoch in (1, 2, 3):
            tooling.log_epoch(writer, model, epoch,
                              {name: values[epoch - 1] for name, values in logged.items()},
                              example)
    board = read_back(tmp_path, logged)
    assert board.scalar_tags == ("test_accuracy", "test_cost")
    assert board.scalar_max_difference < 1e-6
    assert board.histogram_tags == ("layers.0.bias", "layers.0.weight", "layers.1.bias",
                                    "layers.1.weight")
    assert board.histograms == 4 * 3
    assert board.graph_nodes > 0
    assert board.logging_works


def test_torch_export_round_trip_gives_the_same_outputs(tmp_path):
    model, x = Net([784, 8, 10]), torch.rand(50, 784)
    tooling.export(model, x[:2], tmp_path / "model.pt2")
    loaded = tooling.load_exported(tmp_path / "model.pt2")
    assert torch.equal(loaded(x), model(x))  # any batch size, not only the example's
    assert (tmp_path / "model.pt2").stat().st_size < 200_000, "no stray tensors in the file"


def test_scratch_json_round_trip_keeps_dtype_and_outputs(tmp_path):
    net = Network([784, 8, 10], dtype=np.float32)
    net.save(tmp_path / "net.json")
    loaded = Network.load(tmp_path / "net.json")
    x = np.random.default_rng(0).random((784, 20), dtype=np.float32)
    assert loaded.dtype == np.float32
    assert np.array_equal(loaded.feedforward(x), net.feedforward(x))


def test_plot_history_writes_an_svg(tmp_path):
    history = {"epoch": [1, 2], "validation_cost": [1.0, 0.5], "test_cost": [1.1, 0.6],
               "validation_accuracy": [0.8, 0.9], "test_accuracy": [0.79, 0.88]}
    plot_history(history, Network([784, 8, 10]), tmp_path / "curves.svg")
    assert (tmp_path / "curves.svg").read_text().lstrip().startswith("<?xml")
