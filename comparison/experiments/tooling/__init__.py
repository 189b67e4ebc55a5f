"""What do the tools give, and what does the same take by hand?

The baseline network is trained in every implementation. PyTorch logs to TensorBoard every
epoch (``comparison.torch.tooling.log_epoch``); the event files are then read back with
TensorBoard's own reader and compared with the values logged. The from-scratch run draws the
same curves with matplotlib. Then each trained model is saved for deployment and loaded back:
PyTorch through ``torch.export``, from scratch as the network's JSON, and the loaded model's
predictions are compared with the original's on the test set. Keras (where installed) trains
its own way, with its ``TensorBoard`` callback, and exports a TensorFlow SavedModel. JAX (where
installed) logs its curves with TensorBoard's own writer (JAX has no logger; the writer has no
histograms) and exports through ``jax.export``. Lines are counted from source.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import numpy as np

from comparison.data import load_dataset
from comparison.experiments.harness.context import Context
from comparison.experiments.harness.source import logical_lines
from comparison.experiments.tooling.result import (
    Board,
    CodeRow,
    Config,
    Export,
    Result,
    TaggedBoard,
)
from comparison.implementations import Logger, declarations, in_registry_order
from comparison.scratch import tooling as scratch_tooling
from comparison.training import Runner, TrainConfig, installed, make_runner, minibatches

READS = ()  # its inputs are what it imports (results/inputs.py)
PROFILES = {"smoke": dict(train_size=None, epochs=1), "quick": dict(train_size=5_000, epochs=2),
            "full": dict(train_size=50_000, epochs=2)}  # the logs' shape, not accuracy


def written() -> dict[tuple[str, str], list[str]]:
    """(task, implementation) -> the functions written for it, as each implementation
    declares them (``<impl>/declared.py``: ``TOOLING``)."""
    return {(task, impl): refs for impl, tasks in declarations("TOOLING").items()
            for task, refs in tasks.items()}


def make_config(profile: str, context: Context) -> Config:
    return Config(profile=profile, **PROFILES[profile], seed=context.seed,
                  implementations=tuple(installed()),
                  setting=dict(hidden=[30], cost="cross-entropy", eta=0.5, lmbda=5.0,
                               init="scaled", batch_size=10, dtype="float32"),
                  code={f"{task} / {impl}": refs for (task, impl), refs in written().items()})


def run(config: Config, context: Context) -> Result:
    data = load_dataset("mnist", context.data_dir)
    data = replace(data, train=data.train.head(config.train_size or len(data.train)))
    setting = config.setting | {"hidden": tuple(config.setting["hidden"])}
    base = TrainConfig(epochs=config.epochs, seed=config.seed, device="cpu", **setting)
    x_test = data.test.x
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        scratch = make_runner(replace(base, impl="scratch"), data)
        scratch_tooling.plot_history(_train(scratch, data, config), scratch.model,
                                     folder / "curves.svg")
        boards, exports = {}, {"scratch": round_trip(scratch, x_test, folder / "network.json")}
        for impl, logger in declarations("LOGGER").items():
            if impl in config.implementations:
                boards[impl], exports[impl] = _logged_run(
                    logger, replace(base, impl=impl), data, config, folder / impl)
        if "keras" in config.implementations:
            boards["keras"], exports["keras"] = _keras_run(replace(base, impl="keras"), data,
                                                           folder / "keras")
    rows = tuple(CodeRow(task, impl, sum(logical_lines(*ref.split("::")) for ref in refs))
                 for (task, impl), refs in written().items() if impl in config.implementations)
    return Result(config, rows, in_registry_order(boards), in_registry_order(exports))


def _train(runner: Runner, data, config: Config,
           log: Callable[[int, dict[str, float]], object] = lambda epoch, values: None
           ) -> dict[str, list]:
    """Train epoch by epoch on the batch order every implementation here sees (one seed),
    recording the curves and handing each epoch's values to ``log``; returns the curves."""
    rng, history = np.random.default_rng(config.seed), {"epoch": []}
    for epoch in range(1, config.epochs + 1):
        runner.train_epoch(minibatches(len(data.train), config.setting["batch_size"], rng))
        _record(history, epoch, runner)
        log(epoch, {k: v[-1] for k, v in history.items() if k != "epoch"})
    return history


def _logged_run(logger: Logger, train_config: TrainConfig, data, config: Config, folder: Path
                ) -> tuple[Board, Export]:
    """Train, logging to TensorBoard every epoch the way ``logger`` does; read the event
    files back against the values logged, and export the trained model."""
    runner, logdir = make_runner(train_config, data), folder / "tensorboard"
    log_epoch = logger.function("log_epoch")
    with closing(logger.function("writer")(logdir)) as writer:
        history = _train(runner, data, config,
                         lambda epoch, values: log_epoch(writer, runner, epoch, values))
    curves = {k: v for k, v in history.items() if k != "epoch"}
    return (READ_BACK[logger.events](logdir, curves),
            round_trip(runner, data.test.x, folder / logger.export_file))


def _record(history: dict, epoch: int, runner: Runner) -> None:
    history["epoch"].append(epoch)
    for split in ("validation", "test"):
        cost, accuracy = runner.evaluate(split)
        history.setdefault(f"{split}_cost", []).append(cost)
        history.setdefault(f"{split}_accuracy", []).append(accuracy)


def read_back(logdir: Path, logged: dict[str, list]) -> TaggedBoard:
    """Open the event files with TensorBoard's reader and compare with what was logged."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    events.Reload()
    tags = events.Tags()
    difference = max(abs(event.value - value) for tag, values in logged.items()
                     for event, value in zip(events.Scalars(tag), values, strict=True))
    return TaggedBoard(tuple(sorted(tags["scalars"])),
                       sum(len(events.Histograms(t)) for t in tags["histograms"]),
                       len(events.Graph().node) if tags["graph"] else 0, float(difference),
                       _event_bytes(logdir), tuple(sorted(tags["histograms"])))


def _keras_run(train_config: TrainConfig, data, folder: Path) -> tuple[Board, Export]:
    """Keras trains its own way, ``fit`` over all epochs with the ``TensorBoard`` callback; the
    event files are read back and compared with the history ``fit`` returns."""
    from comparison.keras import tooling as keras_tooling

    runner = make_runner(train_config, data)
    train, validation = runner.split("training"), runner.split("validation")
    history = keras_tooling.fit_with_tensorboard(
        runner.model, train.x, train.target, (validation.x, validation.target),
        train_config.epochs, train_config.batch_size, folder / "tensorboard")
    board = read_back_keras(folder / "tensorboard", history)
    return board, round_trip(runner, data.test.x, folder / "saved_model")


def read_back_keras(logdir: Path, history: dict[str, list[float]]) -> Board:
    """Keras writes one folder per split, every value as a tensor event: read them back and
    compare the loss curves with ``fit``'s history."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    scalars, histograms, graph_nodes, difference = [], 0, 0, 0.0
    for split, key in (("train", "loss"), ("validation", "val_loss")):
        events = EventAccumulator(str(logdir / split), size_guidance={"tensors": 0})
        events.Reload()
        for tag in events.Tags()["tensors"]:
            if tag.endswith("/histogram"):
                histograms += len(events.Tensors(tag))
            elif tag.startswith("epoch_"):
                scalars.append(f"{split}/{tag}")
        if events.Tags()["graph"]:
            graph_nodes += len(events.Graph().node)
        logged = [float(make_ndarray(e.tensor_proto)) for e in events.Tensors("epoch_loss")]
        difference = max(difference, *np.abs(np.subtract(logged, history[key])))
    return Board(tuple(scalars), histograms, graph_nodes, float(difference), _event_bytes(logdir))


def read_back_tensors(logdir: Path, logged: dict[str, list]) -> Board:
    """TensorBoard's writer stores every summary as tensor events: read them back, compare
    the scalars with what was logged, and count what the file holds of each kind (the plugin
    that each tag names), histograms and graph included."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    events = EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    events.Reload()
    tags = events.Tags()
    plugin = {tag: events.SummaryMetadata(tag).plugin_data.plugin_name for tag in tags["tensors"]}
    difference = max(abs(float(make_ndarray(e.tensor_proto)) - value)
                     for tag, values in logged.items()
                     for e, value in zip(events.Tensors(tag), values, strict=True))
    return Board(tuple(sorted(t for t, p in plugin.items() if p == "scalars")),
                 sum(len(events.Tensors(t)) for t, p in plugin.items() if p == "histograms"),
                 len(events.Graph().node) if tags["graph"] else 0, float(difference),
                 _event_bytes(logdir))


def _event_bytes(logdir: Path) -> int:
    return sum(p.stat().st_size for p in logdir.rglob("events.*"))


# How each kind of event file is read back (``Logger.events``). Keras is not among the
# loggers: its ``fit`` trains every epoch and logs, through its callback, in one call.
READ_BACK = {"summaries": read_back, "tensors": read_back_tensors}


def round_trip(runner: Runner, x: np.ndarray, path: Path) -> Export:
    """Export the trained model in its library's format, load it back and compare the loaded
    model's outputs on ``x`` with the original's."""
    start = time.perf_counter()
    loaded = runner.export(path)
    seconds = time.perf_counter() - start
    return _agreement(runner.outputs(x), loaded(x), path, seconds)


def _agreement(original: np.ndarray, again: np.ndarray, path: Path, seconds: float) -> Export:
    """How far the loaded model's outputs (rows: examples) are from the original's."""
    same = np.argmax(original, axis=1) == np.argmax(again, axis=1)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return Export(float(same.mean()), len(same), float(np.max(np.abs(original - again))),
                  sum(p.stat().st_size for p in files), seconds)
