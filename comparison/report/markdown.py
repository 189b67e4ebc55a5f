"""Formatting shared by every page: Markdown tables, percentages, implementation names."""

from __future__ import annotations

EPOCH_EXAMPLES = 50_000


IMPL_NAMES = {"scratch": "from scratch (NumPy)", "torch": "PyTorch",
              "torch-paired": "PyTorch from scratch's initial weights",
              "keras": "Keras (TensorFlow)"}


SHORT_NAMES = {"scratch": "scratch", "torch": "PyTorch", "keras": "Keras"}


def keras_note(record: dict) -> str:
    """What the page says about the Keras rows of one result: there, or why not."""
    if "keras" in record["config"].get("implementations", []):
        return "Keras (TensorFlow) was measured in this run."
    return ("Keras (TensorFlow) was **not measured** in this run: its optional extra "
            "(`requirements-keras.txt`) was not installed.")


def _impls(record: dict) -> list[str]:
    return record["config"]["implementations"]


def markdown_table(header: list[str], rows: list[list], align: str = "") -> str:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [header, rule, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def find_row(record: dict, **match) -> dict:
    """The first row of a result whose fields equal ``match``."""
    return next(r for r in record["rows"] if all(r.get(k) == v for k, v in match.items()))
