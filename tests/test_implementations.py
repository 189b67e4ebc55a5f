"""The registry drives every list of implementations: a toy fifth one, registered in a test,
shows up in the config's checks, the extras check, the names, colours, tables and figures, and
the verdicts leave it out where nothing measured it."""

from __future__ import annotations

import copy
import json
import sys
import types
from pathlib import Path

import pytest

from comparison import cli, implementations
from comparison.experiments import code, speed, tooling
from comparison.experiments.harness.context import Context
from comparison.experiments.speed import paths, plan
from comparison.experiments.speed.paths import PATHS
from comparison.implementations import Implementation, TimedPath, Version
from comparison.report import code as report_code
from comparison.report import convergence as report_convergence
from comparison.report.figures import COLOURS, LABELS
from comparison.report.markdown import EXTRA_FILES, IMPL_NAMES, SHORT_NAMES
from comparison.report.verdicts import BEYOND_SEEDS, FRAMEWORK_NAMES, SEED_FRAMEWORKS
from comparison.report.verdicts.claims import CLAIMS, judge
from comparison.results.read import typed_result
from comparison.training import TrainConfig, installed
from comparison.training.variants import VARIANTS
from tests.conftest import typed_records

FIXTURES = Path(__file__).parent / "fixtures" / "quick-run"
# Its declarations are a module made here (``comparison/<name>/declared.py`` for a real one).
TOY = Implementation("toy", "Toy (NumPy, again)", "Toy", "NumPy", "#56B4E9", "s",
                     "comparison.scratch.runner:ScratchRunner",
                     modules=("json",), requirements="requirements-toy.txt",
                     declared="toy_declared")


def declare(monkeypatch, **fields) -> None:
    """The toy's declarations: ``fields`` (none: it declares nothing, so nothing measures it)."""
    module = types.ModuleType(TOY.declared)
    module.__dict__.update(fields)
    monkeypatch.setitem(sys.modules, TOY.declared, module)


@pytest.fixture
def toy(monkeypatch):
    declare(monkeypatch)
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
    declare(monkeypatch)
    monkeypatch.setitem(implementations.REGISTRY, "toy", TOY)
    assert "toy" in FRAMEWORK_NAMES, "the rules loop over it"
    assert {claim.text: judge(claim, records) for claim in CLAIMS} == before


def test_a_fifth_implementation_is_measured_from_what_its_own_folder_declares(toy, monkeypatch):
    """What the toy declares (a timed path, its code for each role, a version of one variant,
    its tooling code) reaches the speed plan, the code and tooling experiments and the
    variants; nothing outside its declarations names it."""
    scratch = implementations.get("scratch").declarations()
    relu = Version(scratch.VERSIONS["relu"].model)
    declare(monkeypatch, TIMED={"toy float32": TimedPath("toy", "float32")},
            ROLES=scratch.ROLES, VERSIONS={"relu": relu},
            TOOLING={"export and load back": ["scratch/network.py::Network.save"]})
    assert PATHS["toy float32"] == TimedPath("toy", "float32")
    config = speed.make_config("quick", Context(device="cpu"))
    sweeps = {sweep for spec, found in plan.plan(config).items() if spec.path == "toy float32"
              for sweep in found}
    assert sweeps == {"batch", "width"}, "timed on both sweeps; no conv version, no conv"
    assert "toy float32" not in paths.conv_paths()
    assert code.make_config("quick", Context()).roles[code.FORWARD_ROLE]["toy"] == \
        scratch.ROLES[code.FORWARD_ROLE]
    assert VARIANTS["relu"].version("toy") == relu and VARIANTS["dropout"].version("toy") is None
    assert VARIANTS["baseline"].version("toy") == Version()
    assert tooling.written()[("export and load back", "toy")] == [
        "scratch/network.py::Network.save"]
    assert TOY.declared in implementations.named_modules()


def test_declared_roles_must_name_every_role(toy, monkeypatch):
    declare(monkeypatch, ROLES={code.FORWARD_ROLE: []})
    with pytest.raises(ValueError, match="toy_declared: ROLES must name exactly the roles"):
        code.roles()
