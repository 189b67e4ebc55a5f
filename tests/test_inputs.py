"""An experiment's inputs (what its stored result depends on) are derived from its imports:
checked against the standard library's own import finder, and shown to decide staleness."""

from __future__ import annotations

import modulefinder
import shutil
from pathlib import Path

import pytest

from comparison.experiments import EXPERIMENTS
from comparison.experiments.harness import runner
from comparison.results import inputs

PACKAGE = inputs.PACKAGE


class _WithinPackage(modulefinder.ModuleFinder):
    """``modulefinder`` (which reads import instructions from compiled code, imports inside
    functions included) kept to this package and to one experiment: the experiments package's
    registry imports all of them, and one experiment does not depend on another."""

    def __init__(self, others: set[str]) -> None:
        super().__init__()
        self.others = others

    def import_module(self, partname, fqname, parent):
        if fqname.split(".")[0] != "comparison" or fqname in self.others:
            return None
        return super().import_module(partname, fqname, parent)


def _relative(paths) -> set[str]:
    return {Path(p).resolve().relative_to(PACKAGE).as_posix() for p in paths}


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_every_module_an_experiment_imports_is_among_its_inputs(name):
    module = EXPERIMENTS[name]
    others = {m.__name__ for n, m in EXPERIMENTS.items() if n != name}
    finder = _WithinPackage(others)
    finder.run_script(module.__file__)
    found = _relative(m.__file__ for m in finder.modules.values()
                      if m.__file__ and m.__file__.endswith(".py"))
    derived = _relative(inputs.experiment_files(module.__name__, module.READS))
    assert found - {"comparison/experiments/__init__.py"}, "the finder found the imports"
    assert found - derived == set(), f"{name} imports modules its inputs leave out"


def test_inputs_follow_imports_inside_functions_but_not_other_experiments():
    speed = _relative(inputs.experiment_files("comparison.experiments.speed",
                                              EXPERIMENTS["speed"].READS))
    assert "keras/runner.py" in speed, "make_runner imports Keras inside a function"
    assert "scratch/tuned.py" in speed and "experiments/harness/timing.py" in speed
    assert "experiments/speed/memory_probe.py" in speed, "a declared script counts"
    assert "jax/probe.py" in speed, "... and the probe it loads from each implementation's folder"
    assert "experiments/book.py" not in speed, "the registry's imports are not followed"
    assert not any(p.startswith("report/") for p in speed), "no page code decides a result"


def test_a_declared_input_that_does_not_exist_is_named():
    with pytest.raises(FileNotFoundError, match="experiments/nothing.py"):
        inputs.experiment_files("comparison.experiments.speed", ("experiments/nothing.py",))


def test_dropping_an_import_from_the_derivation_would_leave_a_stale_result_looking_current(
        monkeypatch, tmp_path):
    """The inputs hash changes when a module an experiment imports changes; it would not if
    the derivation dropped that module (which is what the tests above guard against)."""
    config, module = {"datasets": []}, EXPERIMENTS["speed"]
    copy = tmp_path / "comparison"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(inputs, "PACKAGE", copy)
    monkeypatch.setattr(runner.store, "PACKAGE", copy)
    derive = inputs._needed

    def without_tuned(path):
        return ((m, follow) for m, follow in derive(path) if m != "comparison.scratch.tuned")

    def hashes() -> tuple[str, str]:
        monkeypatch.setattr(inputs, "_needed", derive)
        full = runner.inputs_hash(module, config)
        monkeypatch.setattr(inputs, "_needed", without_tuned)
        return full, runner.inputs_hash(module, config)

    before = hashes()
    tuned = copy / "scratch" / "tuned.py"
    tuned.write_text(tuned.read_text() + "\n# changed\n")
    after = hashes()
    assert before[0] != after[0], "a change to an imported module makes the result stale"
    assert before[1] == after[1], "without the import, the change goes unseen"
