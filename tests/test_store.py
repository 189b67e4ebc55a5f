import json
import os

import pytest

from comparison import store
from comparison.atomic import write_atomically
from comparison.experiments import runner
from comparison.experiments.context import Context


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
    assert json.loads((tmp_path / "demo.json").read_text())["schema_version"] == 1
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


class FakeExperiment:
    """Counts its runs; its config comes from a dict the test can change."""

    __file__ = __file__
    config = {"profile": "smoke", "n": 1}
    runs = 0

    @classmethod
    def make_config(cls, profile, context):
        return dict(cls.config)

    @classmethod
    def run(cls, config, context):
        cls.runs += 1
        return {"rows": [{"n": config["n"]}]}


def test_runner_skips_current_results_and_reruns_stale_ones(tmp_path, monkeypatch):
    monkeypatch.setitem(runner.EXPERIMENTS, "fake", FakeExperiment)
    context = Context(progress=False)

    def run():
        return runner.run_experiments(["fake"], "smoke", context, tmp_path)[0]["status"]

    assert run() == "ran"
    assert run() == "up to date"
    FakeExperiment.config = {"profile": "smoke", "n": 2}  # the inputs changed
    assert run() == "ran"
    record = json.loads((tmp_path / "fake.json").read_text())
    record["schema_version"] = 0  # written by an older version of the code
    (tmp_path / "fake.json").write_text(json.dumps(record))
    assert run() == "ran"
    assert FakeExperiment.runs == 3
    assert "commit" in json.loads((tmp_path / "fake.json").read_text())["provenance"]
