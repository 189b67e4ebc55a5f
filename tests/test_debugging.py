"""The planted bugs: each really changes what its program does, the experiment classifies them
the same way every time for a seed, and the diagnosability page renders from its result."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from comparison import data
from comparison.experiments import debugging
from comparison.experiments.bugs import BUGS, Absent, Plant
from comparison.experiments.bugs.programs import make_program
from comparison.experiments.debugging.result import NOT_MEASURED, OUTCOMES, Cell, Result
from comparison.experiments.harness.context import Context
from comparison.experiments.harness.machine import Threads
from comparison.report import debugging as page
from comparison.results import typed
from comparison.results.read import typed_result
from comparison.training import TrainConfig, installed, minibatches
from comparison.training.runners import scratch_network
from tests.conftest import fixture_record, make_arrays, write_dataset

ROOT = Path(__file__).resolve().parents[1]
NEEDS_KERAS = pytest.mark.skipif("keras" not in installed(),
                                 reason="the Keras extra is not installed")
PLANTED = [pytest.param(name, impl, marks=[NEEDS_KERAS] if impl == "keras" else [],
                        id=f"{name}-{impl}")
           for name, bug in BUGS.items() for impl in ("scratch", "torch", "keras")
           if not isinstance(getattr(bug, impl), Absent)]
STEPS = 20  # mini-batches of the synthetic digits: enough to move every parameter


@functools.cache
def _digits_batches(n: int) -> list[np.ndarray]:
    return minibatches(n, 10, np.random.default_rng(0))[:STEPS]


def _train(digits, impl: str, variant: str, plant: Plant) -> tuple[list, float]:
    """(parameters, test accuracy) after ``STEPS`` mini-batches, from scratch's start."""
    config = TrainConfig(impl=impl, variant=variant, hidden=(30,), cost="cross-entropy",
                         eta=0.5, init="scaled", dtype="float64", device="cpu")
    config = replace(config, **plant.settings)
    start = scratch_network(replace(config, impl="scratch")).parameters()
    with Threads(1):  # as the experiment runs them: ten examples a step need no second thread
        program = make_program(config, digits, plant.slots, start)
        program.train(_digits_batches(len(digits.train)), lambda: None)
        return program.parameters(), program.accuracy()


def _differ(a: list, b: list) -> bool:
    return any(x.shape != y.shape or np.abs(x - y).max() > 1e-6
               for pa, pb in zip(a, b) for x, y in zip(pa, pb))


@pytest.mark.parametrize(("name", "impl"), PLANTED)
def test_every_planted_bug_changes_what_the_program_does(digits, name, impl):
    bug = BUGS[name]
    correct_parameters, correct_accuracy = _train(digits, impl, bug.variant, Plant())
    try:
        parameters, accuracy = _train(digits, impl, bug.variant, getattr(bug, impl))
    except Exception as error:  # the correct program ran, so the mistake made this one fail
        assert str(error), "a crash must at least say something"
        return
    assert _differ(parameters, correct_parameters) or accuracy != correct_accuracy, (
        f"{name} in {impl} is a no-op: same parameters and accuracy as the correct program")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """The smoke profile on tiny data: (result, config, context)."""
    folder = tmp_path_factory.mktemp("tiny")
    patch = pytest.MonkeyPatch()
    patch.setitem(data.SPECS, "mnist", write_dataset(folder, make_arrays()))
    patch.delenv(data.ENV_VAR, raising=False)
    context = Context(data_dir=str(folder), progress=False, workers=1)
    config = debugging.make_config("smoke", context)
    yield debugging.run(config, context), config, context
    patch.undo()


def _outcomes(result: Result, impls: tuple[str, ...]) -> list[Cell]:
    return [replace(cell, seconds=None) for cell in result.cells if cell.impl in impls]


@pytest.fixture(scope="module")
def without_keras(smoke) -> Result:
    """The smoke profile run again, as if Keras were not installed."""
    _, config, context = smoke
    return debugging.run(replace(config, implementations=("scratch", "torch")), context)


def test_the_result_is_stored_and_read_back_unchanged(smoke, without_keras):
    for result in (smoke[0], without_keras):
        stored = json.loads(json.dumps({"name": "debugging", **typed.to_json(result)}))
        assert typed_result("debugging", stored) == result
        assert [Cell.read(row, "row") for row in stored["rows"]] == list(result.cells)


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[0].update(steps="0"), "result.rows[0].steps is a string, not a whole "
                                             "number"),
    (lambda rows: rows[4].update({"tool gradcheck": 1}), "result.rows[4].tool gradcheck is a "
                                                         "whole number, not true or false or "
                                                         "null"),
    (lambda rows: rows[3].pop("caught_by"), "result.rows[3] does not have the columns of a "
                                            "cell whose outcome is 'silent'"),
    (lambda rows: rows[2].update(caught_by=""), "result.rows[2] does not have the columns of "
                                                "a cell whose outcome is 'cannot occur here'"),
])
def test_a_row_of_another_shape_is_refused_naming_it(change, message):
    record = fixture_record("debugging")
    change(record["rows"])
    with pytest.raises(typed.ShapeError) as error:
        typed_result("debugging", record)
    assert str(error.value) == message


def test_the_classification_is_deterministic_for_a_seed(smoke, without_keras):
    result, _, _ = smoke
    assert _outcomes(without_keras, ("scratch", "torch")) == _outcomes(result,
                                                                      ("scratch", "torch"))
    assert {cell.outcome for cell in result.cells} <= {*OUTCOMES,
                                                       NOT_MEASURED}


def test_every_cell_is_classified_by_the_stated_rule(smoke):
    result, config, _ = smoke
    for cell in result.cells:
        plant = getattr(BUGS[cell.bug], cell.impl)
        if isinstance(plant, Absent):
            assert cell.outcome == "cannot occur here"
        elif cell.impl in config.implementations:
            caught = any(cell.tools[tool] for tool in config.tools[cell.impl])
            assert cell.outcome == debugging.classify(cell.crash is not None, caught)
    for impl, n in result.tallies.items():
        assert n.loud + n.caught_by_tool + n.silent == n.measured
        assert n.measured + n.cannot_occur == n.bugs == len(BUGS), impl


def test_keras_cells_say_not_measured_without_its_extra(without_keras):
    keras = [cell for cell in without_keras.cells if cell.impl == "keras"]
    assert {cell.outcome for cell in keras} == {NOT_MEASURED, "cannot occur here"}
    assert without_keras.tallies["keras"].measured == 0
    assert "not measured" in page.debugging_summary(without_keras)


def test_the_page_renders_from_a_smoke_result(smoke, without_keras):
    markdown = (ROOT / "docs" / "diagnosability.md").read_text()
    tables = set(re.findall(r"<!-- result:table debugging\.(\w+) -->", markdown))
    values = set(re.findall(r"<!-- result:value debugging\.(\w+) -->", markdown))
    assert tables and tables <= set(page.TABLES)
    for result in (smoke[0], without_keras):
        assert values <= set(page.quotes(result))
        rendered = {name: page.TABLES[name](result) for name in page.TABLES}
        assert rendered["outcomes"].count("\n") == len(BUGS) + 1  # header, rule, a row per bug
        for name in BUGS:
            assert f"{{: #{name} }}" in rendered["edits"]  # the anchor the tables link to
        assert "```diff" in rendered["edits"]
        assert "<script" not in "".join(rendered.values())
