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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from comparison.data import load_dataset
from comparison.experiments.harness.context import Context
from comparison.experiments.harness.source import logical_lines
from comparison.scratch import tooling as scratch_tooling
from comparison.torch import tooling as torch_tooling
from comparison.training import Runner, TrainConfig, installed, make_runner, minibatches

READS = ()  # its inputs are what it imports (results/inputs.py)
PROFILES = {"smoke": dict(train_size=None, epochs=1), "quick": dict(train_size=5_000, epochs=2),
            "full": dict(train_size=50_000, epochs=2)}  # the logs' shape, not accuracy
# (task, implementation) -> the functions written for it
CODE = {
    ("curves and histograms", "torch"): ["torch/tooling.py::log_epoch"],
    ("curves and histograms", "scratch"): ["scratch/tooling.py::plot_history"],
    ("export and load back", "torch"): ["torch/tooling.py::export",
                                        "torch/tooling.py::load_exported"],
    ("export and load back", "scratch"): ["scratch/network.py::Network.save",
                                          "scratch/network.py::Network.load"],
    ("curves and histograms", "keras"): ["keras/tooling.py::fit_with_tensorboard"],
    ("export and load back", "keras"): ["keras/tooling.py::export",
                                        "keras/tooling.py::load_exported"],
    ("curves and histograms", "jax"): ["jax/tooling.py::log_epoch"],
    ("export and load back", "jax"): ["jax/tooling.py::export", "jax/tooling.py::load_exported"],
}


@dataclass(frozen=True)
class Config:
    profile: str
    train_size: int | None
    epochs: int
    implementations: tuple[str, ...]
    setting: dict  # ``TrainConfig`` fields of the network trained
    code: dict[str, list[str]]  # "task / implementation" -> the functions counted
    seed: int = 0
    datasets: tuple[str, ...] = ("mnist",)


def make_config(profile: str, context: Context) -> Config:
    return Config(profile=profile, **PROFILES[profile], seed=context.seed,
                  implementations=tuple(installed()),
                  setting=dict(hidden=[30], cost="cross-entropy", eta=0.5, lmbda=5.0,
                               init="scaled", batch_size=10, dtype="float32"),
                  code={f"{task} / {impl}": refs for (task, impl), refs in CODE.items()})


def run(config: Config, context: Context) -> dict:
    data = load_dataset("mnist", context.data_dir)
    data = replace(data, train=data.train.head(config.train_size or len(data.train)))
    setting = config.setting | {"hidden": tuple(config.setting["hidden"])}
    base = TrainConfig(epochs=config.epochs, seed=config.seed, device="cpu", **setting)
    runners = {impl: make_runner(replace(base, impl=impl), data) for impl in ("scratch", "torch")}
    x_test = data.test.x
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        logged = _train_and_log(runners, data, config, folder)
        boards = {"torch": read_back(folder / "tensorboard", logged)}
        exports = {"torch": round_trip(runners["torch"], x_test, folder / "model.pt2"),
                   "scratch": round_trip(runners["scratch"], x_test, folder / "network.json")}
        if "keras" in config.implementations:
            boards["keras"], exports["keras"] = _keras_run(replace(base, impl="keras"), data,
                                                           folder / "keras")
        if "jax" in config.implementations:
            boards["jax"], exports["jax"] = _jax_run(replace(base, impl="jax"), data, config,
                                                     folder / "jax")
    rows = [{"task": task, "impl": impl,
             "lines": sum(logical_lines(*ref.split("::")) for ref in refs)}
            for (task, impl), refs in CODE.items() if impl in config.implementations]
    return {"rows": rows, "tensorboard": boards, "exports": exports}


def _train_and_log(runners: dict[str, Runner], data, config: Config, folder: Path) -> dict:
    """Train both on one batch order; log PyTorch to TensorBoard every epoch and draw scratch's
    curves at the end. Returns the curves logged, to check the event files against."""
    # Imported here, not at the top: TensorBoard loads TensorFlow where it is installed, which
    # every experiment's process (they all import this package) would otherwise pay for.
    from torch.utils.tensorboard import SummaryWriter

    rng = np.random.default_rng(config.seed)
    model, example = runners["torch"].model, runners["torch"].split("test").x[:2]
    histories = {impl: {"epoch": []} for impl in runners}
    with SummaryWriter(folder / "tensorboard") as writer:
        for epoch in range(1, config.epochs + 1):
            batches = minibatches(len(data.train), config.setting["batch_size"], rng)
            for impl, runner in runners.items():
                runner.train_epoch(batches)
                _record(histories[impl], epoch, runner)
            curves = {k: v for k, v in histories["torch"].items() if k != "epoch"}
            torch_tooling.log_epoch(writer, model, epoch, {k: v[-1] for k, v in curves.items()},
                                    example)
    scratch_tooling.plot_history(histories["scratch"], runners["scratch"].model,
                                 folder / "curves.svg")
    return curves


def _record(history: dict, epoch: int, runner: Runner) -> None:
    history["epoch"].append(epoch)
    for split in ("validation", "test"):
        cost, accuracy = runner.evaluate(split)
        history.setdefault(f"{split}_cost", []).append(cost)
        history.setdefault(f"{split}_accuracy", []).append(accuracy)


def read_back(logdir: Path, logged: dict[str, list]) -> dict:
    """Open the event files with TensorBoard's reader and compare with what was logged."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    events.Reload()
    tags = events.Tags()
    difference = max(abs(event.value - value) for tag, values in logged.items()
                     for event, value in zip(events.Scalars(tag), values, strict=True))
    return {"scalar_tags": sorted(tags["scalars"]), "histogram_tags": sorted(tags["histograms"]),
            "histograms": sum(len(events.Histograms(t)) for t in tags["histograms"]),
            "graph_nodes": len(events.Graph().node) if tags["graph"] else 0,
            "scalar_max_difference": float(difference),
            "event_file_bytes": sum(p.stat().st_size for p in logdir.rglob("events.*"))}


def _keras_run(train_config: TrainConfig, data, folder: Path) -> tuple[dict, dict]:
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


def read_back_keras(logdir: Path, history: dict[str, list[float]]) -> dict:
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
    return {"scalar_tags": scalars, "histograms": histograms,
            "graph_nodes": graph_nodes,
            "scalar_max_difference": float(difference),
            "event_file_bytes": sum(p.stat().st_size for p in logdir.rglob("events.*"))}


def _jax_run(train_config: TrainConfig, data, config: Config, folder: Path
             ) -> tuple[dict, dict]:
    """JAX trains on the same batch order and logs its curves every epoch with TensorBoard's
    own writer; the event files are read back and compared with what was logged."""
    from tensorboard.summary import Writer

    from comparison.jax import tooling as jax_tooling

    runner, rng = make_runner(train_config, data), np.random.default_rng(config.seed)
    history = {"epoch": []}
    writer = Writer(str(folder / "tensorboard"))
    for epoch in range(1, config.epochs + 1):
        runner.train_epoch(minibatches(len(data.train), train_config.batch_size, rng))
        _record(history, epoch, runner)
        jax_tooling.log_epoch(writer, epoch, {k: v[-1] for k, v in history.items()
                                              if k != "epoch"})
    writer.close()
    curves = {k: v for k, v in history.items() if k != "epoch"}
    return (read_back_tensors(folder / "tensorboard", curves),
            round_trip(runner, data.test.x, folder / "model.jax"))


def read_back_tensors(logdir: Path, logged: dict[str, list]) -> dict:
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
    return {"scalar_tags": sorted(t for t, p in plugin.items() if p == "scalars"),
            "histograms": sum(len(events.Tensors(t)) for t, p in plugin.items()
                              if p == "histograms"),
            "graph_nodes": len(events.Graph().node) if tags["graph"] else 0,
            "scalar_max_difference": float(difference),
            "event_file_bytes": sum(p.stat().st_size for p in logdir.rglob("events.*"))}


def round_trip(runner: Runner, x: np.ndarray, path: Path) -> dict:
    """Export the trained model in its library's format, load it back and compare the loaded
    model's outputs on ``x`` with the original's."""
    start = time.perf_counter()
    loaded = runner.export(path)
    seconds = time.perf_counter() - start
    return _agreement(runner.outputs(x), loaded(x), path, seconds)


def _agreement(original: np.ndarray, again: np.ndarray, path: Path, seconds: float) -> dict:
    """How far the loaded model's outputs (rows: examples) are from the original's."""
    same = np.argmax(original, axis=1) == np.argmax(again, axis=1)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return {"predictions_agree": float(same.mean()), "examples": len(same),
            "max_output_difference": float(np.max(np.abs(original - again))),
            "file_bytes": sum(p.stat().st_size for p in files), "seconds": seconds}


PREDICTIONS_KEPT = 1.0  # an export "works" when every test prediction survives the round trip
LOGGED_TOLERANCE = 1e-6  # ... and logging when the curves read back equal what was logged


@dataclass(frozen=True)
class ToolingNumbers:
    implementations: tuple[str, ...]
    lines: dict[tuple[str, str], int]  # (task, implementation) -> lines written
    logging_works: dict[str, bool]  # frameworks: TensorBoard curves and histograms read back
    curves_read_back: dict[str, bool]  # ... the curves alone
    export_works: dict[str, bool]
    predictions_kept: dict[str, float]


def derive(record: dict) -> ToolingNumbers:
    boards, exports = record["tensorboard"], record["exports"]
    return ToolingNumbers(
        tuple(record["config"]["implementations"]),
        {(r["task"], r["impl"]): r["lines"] for r in record["rows"]},
        {impl: b["histograms"] > 0 and b["scalar_max_difference"] < LOGGED_TOLERANCE
         for impl, b in boards.items()},
        {impl: b["scalar_max_difference"] < LOGGED_TOLERANCE for impl, b in boards.items()},
        {impl: e["predictions_agree"] >= PREDICTIONS_KEPT for impl, e in exports.items()},
        {impl: e["predictions_agree"] for impl, e in exports.items()})
