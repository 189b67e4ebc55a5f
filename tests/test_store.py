import json
import os
from dataclasses import dataclass, replace
from types import ModuleType

import pytest

from comparison import data
from comparison.atomic import write_atomically
from comparison.experiments import runner
from comparison.experiments.context import Context
from comparison.report.pages import PAGES
from comparison.results import store


def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_part(tmp_path, monkeypatch):
    path = tmp_path / "book.json"
    write_atomically(path, "old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.json"]


def test_save_writes_json_and_csv(tmp_path):
    store.save("demo", {"inputs_hash": "h", "rows": [{"a": 1, "b": 2}, {"a": 3, "c": 4}]},
               tmp_path)
    record = json.loads((tmp_path / "demo.json").read_text())
    assert record["schema_version"] == store.SCHEMA_VERSION
    assert (tmp_path / "demo.csv").read_text() == "a,b,c\n1,2,\n3,,4\n"


@pytest.mark.parametrize(("change", "message"), [
    ({"schema_version": 0}, "schema version 0"),
    ({"inputs_hash": "other"}, "computed from other code, config or data"),
])
def test_stale_results_are_refused(tmp_path, change, message):
    store.save("demo", {"inputs_hash": "h"}, tmp_path)
    record = json.loads((tmp_path / "demo.json").read_text()) | change
    (tmp_path / "demo.json").write_text(json.dumps(record))
    with pytest.raises(store.StaleResult, match=message):
        store.load("demo", tmp_path, expected_hash="h")


@dataclass(frozen=True)
class FakeConfig:
    profile: str = "smoke"
    n: int = 1
    datasets: tuple[str, ...] = ()


class FakeExperiment:
    """Counts its runs; its config comes from one the test can change."""

    SOURCES = ("experiments/runner.py",)
    config = FakeConfig()
    runs = 0

    @classmethod
    def make_config(cls, profile, context):
        return cls.config

    @classmethod
    def run(cls, config, context):
        cls.runs += 1
        return {"rows": [{"n": config.n}]}


def test_runner_skips_current_results_and_reruns_stale_ones(tmp_path, monkeypatch):
    monkeypatch.setitem(runner.EXPERIMENTS, "fake", FakeExperiment)
    monkeypatch.setitem(PAGES, "fake", ModuleType("fake"))
    context = Context(progress=False)

    def run():
        return runner.run_experiments(["fake"], "smoke", context, tmp_path)[0]["status"]

    assert run() == "ran"
    assert run() == "up to date"
    FakeExperiment.config = FakeConfig(n=2)  # the inputs changed
    assert run() == "ran"
    record = json.loads((tmp_path / "fake.json").read_text())
    record["schema_version"] = 0  # written by an older version of the code
    (tmp_path / "fake.json").write_text(json.dumps(record))
    assert run() == "ran"
    assert FakeExperiment.runs == 3
    assert "commit" in json.loads((tmp_path / "fake.json").read_text())["provenance"]


def test_the_inputs_hash_covers_the_data(monkeypatch):
    """Other data (other checksums), other hash; no data named, no dependence on it."""
    before = store.inputs_hash([], {"n": 1}, ["mnist"])
    spec = data.SPECS["mnist"]
    changed = dict(spec.sha256) | {data.TRAIN_LABELS: "0" * 64}
    monkeypatch.setitem(data.SPECS, "mnist", replace(spec, sha256=changed))
    assert store.inputs_hash([], {"n": 1}, ["mnist"]) != before
    assert store.inputs_hash([], {"n": 1}, []) == store.inputs_hash([], {"n": 1}, [])


def test_the_inputs_hash_covers_every_implementation_and_the_config():
    hashed = {p.relative_to(store.PACKAGE).as_posix() for p in store.source_files([])}
    for folder in ("scratch", "torch", "keras", "training", "data"):
        files = {p.relative_to(store.PACKAGE).as_posix()
                 for p in (store.PACKAGE / folder).rglob("*.py")}
        assert files and files <= hashed, folder
    assert store.inputs_hash([], {"n": 1}, []) != store.inputs_hash([], {"n": 2}, [])


def test_every_experiment_declares_sources_that_exist():
    for name, module in runner.EXPERIMENTS.items():
        assert f"experiments/{name}.py" in module.SOURCES, name
        store.source_files(module.SOURCES)  # raises for a declared file that is not there
