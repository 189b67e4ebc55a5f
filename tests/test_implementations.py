"""The registry drives every list of implementations: a toy fifth one, registered in a test,
shows up in the config's checks, the extras check, the names, colours, tables and figures, and
the verdicts leave it out where nothing measured it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from comparison import cli, implementations
from comparison.implementations import Implementation
from comparison.report import code as report_code
from comparison.report import convergence as report_convergence
from comparison.report.figures import COLOURS, LABELS
from comparison.report.markdown import EXTRA_FILES, IMPL_NAMES, SHORT_NAMES
from comparison.report.verdicts import BEYOND_SEEDS, FRAMEWORK_NAMES, SEED_FRAMEWORKS
from comparison.report.verdicts.claims import CLAIMS, judge
from comparison.results.read import typed_result
from comparison.training import TrainConfig, installed
from tests.conftest import typed_records

FIXTURES = Path(__file__).parent / "fixtures" / "quick-run"
TOY = Implementation("toy", "Toy (NumPy, again)", "Toy", "NumPy", "#56B4E9", "s",
                     "comparison.scratch.runner:ScratchRunner",
                     modules=("json",), requirements="requirements-toy.txt")


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(implementations.REGISTRY, "toy", TOY)
    return TOY


def test_a_registered_implementation_is_named_coloured_and_accepted_everywhere(toy):
    assert IMPL_NAMES["toy"] == LABELS["toy"] == "Toy (NumPy, again)"
    assert SHORT_NAMES["toy"] == BEYOND_SEEDS["toy"] == FRAMEWORK_NAMES["toy"] == "Toy"
    assert "toy" not in SEED_FRAMEWORKS, "the seed texts do not name it"
    assert COLOURS["toy"] == "#56B4E9" and EXTRA_FILES["toy"] == "requirements-toy.txt"
    assert "toy" in installed() and TrainConfig(impl="toy").impl == "toy"
    parser = cli.build_parser()
    assert parser.parse_args(["train", "--impl", "toy"]).impl == "toy"


def test_an_unregistered_or_uninstalled_implementation_is_refused_with_its_fix(monkeypatch):
    with pytest.raises(ValueError, match="unknown implementation 'toy'"):
        TrainConfig(impl="toy")
    missing = Implementation("toy", "Toy", "Toy", "NumPy", "#56B4E9", "s", "x:Y",
                             modules=("no_such_module_here",), requirements="req-toy.txt")
    monkeypatch.setitem(implementations.REGISTRY, "toy", missing)
    assert "toy" not in installed()
    with pytest.raises(ValueError, match="pip install -r req-toy.txt"):
        missing.require()


def test_the_pages_draw_a_registered_implementation_from_its_results(toy):
    code = json.loads((FIXTURES / "code.json").read_text())
    for row in code["rows"]:
        row["toy_lines"], row["toy_functions"] = row["scratch_lines"], row["scratch_functions"]
    code["totals"]["toy"] = code["totals"]["scratch"]
    header = report_code.code_roles(typed_result("code", code)).splitlines()[0]
    assert "lines, Toy (NumPy, again)" in header

    record = json.loads((FIXTURES / "convergence.json").read_text())
    record["curves"] += [copy.deepcopy(c) | {"impl": "toy"} for c in record["curves"]
                         if c["impl"] == "scratch"]
    figure = report_convergence.curves_figure(typed_result("convergence", record))
    lines = [line for ax in figure.axes for line in ax.get_lines()
             if line.get_label() == "Toy (NumPy, again)"]
    assert lines and lines[0].get_color() == "#56B4E9"


def test_an_implementation_no_experiment_measured_moves_no_verdict(monkeypatch):
    """Registered but measured nowhere (no timed path, no results of its own), the toy is left
    out of every rule: each verdict, reason and number is what it was without it."""
    records = typed_records({path.stem: json.loads(path.read_text())
                             for path in sorted(FIXTURES.glob("*.json"))})
    before = {claim.text: judge(claim, records) for claim in CLAIMS}
    monkeypatch.setitem(implementations.REGISTRY, "toy", TOY)
    assert "toy" in FRAMEWORK_NAMES, "the rules loop over it"
    assert {claim.text: judge(claim, records) for claim in CLAIMS} == before
