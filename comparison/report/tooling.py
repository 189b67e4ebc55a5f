"""TensorBoard, export and the same by hand."""

from __future__ import annotations

from comparison.experiments.tooling.result import Board, Result
from comparison.report.markdown import (
    IMPL_NAMES,
    jax_note,
    keras_note,
    markdown_table,
    pct,
    plural,
)


def tooling_code(result: Result) -> str:
    tasks = dict.fromkeys(r.task for r in result.rows)
    impls = result.config.implementations
    rows = [[task, *(result.lines(task, impl) for impl in impls)] for task in tasks]
    return markdown_table(["task", *(f"lines, {IMPL_NAMES[impl]}" for impl in impls)], rows)


def tooling_boards(result: Result) -> str:
    rows = [[IMPL_NAMES[impl], len(b.scalar_tags), b.histograms, b.graph_nodes or "none",
             f"{b.scalar_max_difference:.1e}", f"{b.event_file_bytes / 1024:,.0f} KiB"]
            for impl, b in result.tensorboard.items()]
    return markdown_table(["logged by", "curves", "histograms", "graph nodes",
                           "largest difference, read back vs logged", "event files"], rows)


def tooling_exports(result: Result) -> str:
    formats = {"scratch": "the network's JSON (`Network.save`)",
               "torch": "`torch.export` program (`.pt2`)",
               "keras": "TensorFlow SavedModel (`model.export`)",
               "jax": "`jax.export` program (serialized StableHLO)"}
    rows = [[IMPL_NAMES[impl], formats[impl], f"{e.file_bytes / 1024:,.0f} KiB",
             f"{e.seconds:.3f}", pct(e.predictions_agree), f"{e.max_output_difference:.1e}"]
            for impl, e in result.exports.items()]
    return markdown_table(["implementation", "saved as", "file size", "s to save and load",
                           "test predictions unchanged", "largest output difference"], rows,
                          "llrrrr")


def tooling_quotes(result: Result) -> dict[str, str]:
    board = result.tensorboard["torch"]
    return {"scalar_tags": str(len(board.scalar_tags)),
            "histograms": str(board.histograms), "graph_nodes": str(board.graph_nodes),
            "scalar_difference": f"{board.scalar_max_difference:.1e}",
            "event_kib": f"{board.event_file_bytes / 1024:,.0f}",
            "keras_sentence": keras_sentence(result.tensorboard.get("keras"), result),
            "keras_note": keras_note(result),
            "jax_sentence": jax_sentence(result),
            "epochs": plural(result.config.epochs, "epoch"),
            "examples": f"{result.exports['torch'].examples:,}"}


def keras_sentence(board: Board | None, result: Result) -> str:
    """What Keras's TensorBoard callback wrote, read back, or why there is nothing."""
    if board is None:
        return keras_note(result)
    graph = (f"and a graph of {board.graph_nodes} nodes" if board.graph_nodes
             else "and, on this backend, no graph")
    return (f"Keras's callback, one argument to `fit`, logged {board.histograms} weight "
            f"histograms and the loss curves of training and validation (equal to the history "
            f"`fit` returned within {board.scalar_max_difference:.1e}), {graph}.")


def jax_sentence(result: Result) -> str:
    """What JAX logged and exported, read back, or why there is nothing."""
    board = result.tensorboard.get("jax")
    if board is None:
        return jax_note(result)
    export = result.exports["jax"]
    graph = f"a graph of {board.graph_nodes} nodes" if board.graph_nodes else "no graph"
    return (f"JAX has no logger of its own: with TensorBoard's writer, its event files held "
            f"{len(board.scalar_tags)} curves (read back within "
            f"{board.scalar_max_difference:.1e} of the values logged), "
            f"{plural(board.histograms, 'histogram')} and {graph}. `jax.export` kept "
            f"{pct(export.predictions_agree)} of the test predictions. JAX is beside the "
            "texts' claims and does not move the verdict.")


STATISTIC = "lines counted from the source; one training run of each implementation"
TABLES = {"code": tooling_code, "boards": tooling_boards, "exports": tooling_exports}
quotes = tooling_quotes
