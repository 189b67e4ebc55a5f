import json
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

import pytest

from comparison import data
from comparison.atomic import write_atomically
from comparison.experiments.harness import runner
from comparison.experiments.harness.context import Context
from comparison.report import figures as report_figures
from comparison.report.pages import PAGES
from comparison.results import inputs, store

ROOT = Path(__file__).resolve().parents[1]


def result(**changes) -> dict:
    """What an experiment's run hands the store: the fields every result has."""
    return {"inputs_hash": "h", "config": {"n": 1}, "provenance": {"profile": "smoke"},
            "rows": [{"a": 1, "b": 2}, {"a": 3, "c": 4}]} | changes


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


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_permissions_the_umask_allows(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        write_atomically(tmp_path / "out.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == mode


def test_save_writes_json_and_csv(tmp_path):
    store.save("demo", result(), tmp_path)
    record = json.loads((tmp_path / "demo.json").read_text())
    assert record["schema_version"] == store.SCHEMA_VERSION
    assert record["outputs_hash"] == store.outputs_hash(record)
    assert (tmp_path / "demo.csv").read_text() == "a,b,c\n1,2,\n3,,4\n"
    assert store.load("demo", tmp_path, expected_hash="h")["rows"][0] == {"a": 1, "b": 2}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging


@pytest.mark.parametrize(("change", "message"), [
    ({"rows": [{"median_s": float("nan")}]}, r"rows\[0\].median_s is nan"),
    ({"speedup": {"gpu": float("inf")}}, "speedup.gpu is inf"),
    ({"config": None}, "'config' is null, not an object"),
    ({"rows": [1, 2]}, "'rows' holds something other than objects"),
    ({"inputs_hash": 7}, "'inputs_hash' is a whole number, not a string"),
])
def test_an_invalid_result_is_refused_on_save_and_nothing_is_written(tmp_path, change,
                                                                     message):
    with pytest.raises(store.InvalidResult, match=message):
        store.save("demo", result(**change), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_field_is_refused_on_save(tmp_path):
    incomplete = result()
    del incomplete["provenance"]
    with pytest.raises(store.InvalidResult, match="'provenance' is missing"):
        store.save("demo", incomplete, tmp_path)


@pytest.mark.parametrize(("change", "message"), [
    ({"schema_version": 0}, "schema version 0"),
    ({"inputs_hash": "other"}, "computed from other code, config or data"),
])
def test_stale_results_are_refused(tmp_path, change, message):
    store.save("demo", result(), tmp_path)
    record = json.loads((tmp_path / "demo.json").read_text()) | change
    record["outputs_hash"] = store.outputs_hash(record)  # a consistent file, just stale
    (tmp_path / "demo.json").write_text(json.dumps(record))
    with pytest.raises(store.StaleResult, match=message):
        store.load("demo", tmp_path, expected_hash="h")


def _edit(path: Path, edit) -> None:
    record = json.loads(path.read_text())
    edit(record)
    path.write_text(json.dumps(record))


@pytest.mark.parametrize("edit", [
    lambda r: r["rows"][0].update(a=2),  # a number changed by hand
    lambda r: r["rows"][0].update(a="12 %"),  # a string where a number belongs
    lambda r: r["provenance"].update(cpu="<script>alert(1)</script>"),
    lambda r: r.update(inputs_hash="0" * 64),  # made to look current
])
def test_a_result_edited_by_hand_is_refused(tmp_path, edit):
    store.save("demo", result(), tmp_path)
    _edit(tmp_path / "demo.json", edit)
    with pytest.raises(store.StaleResult, match="edited by hand.*re-run"):
        store.load("demo", tmp_path)


BAD_FILES = {
    "null": b"null",
    "a list": b"[1, 2]",
    "a string": b'"speed"',
    "not UTF-8": b'{"name": "\xff\xfe"}',
    "not JSON": b"{'name': 'speed'}",
    "NaN": b'{"schema_version": 2, "x": NaN}',
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "a huge number": b'{"schema_version": 2, "x": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_file_that_is_not_a_result_is_a_clear_stale_result(tmp_path, content):
    (tmp_path / "demo.json").write_bytes(content)
    with pytest.raises(store.StaleResult, match=r"demo\.json .*re-run it"):
        store.load("demo", tmp_path)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("config", None, "'config' is missing|'config' is null"),
    ("provenance", None, "'provenance' is missing|'provenance' is null"),
    ("rows", None, "'rows' is missing|'rows' is null"),
    ("rows", ["x"], "'rows' holds something other than objects"),
    ("name", ["speed"], "'name' is a list, not a string"),
    ("schema_version", True, "schema version True"),
    ("outputs_hash", None, "'outputs_hash' is missing|'outputs_hash' is null"),
    ("x", 1e400, "x is inf"),
])
def test_a_result_without_its_fields_is_refused_on_load(tmp_path, field, value, message):
    store.save("demo", result(), tmp_path)
    record = json.loads((tmp_path / "demo.json").read_text())
    if value is None:
        record.pop(field)
    else:
        record[field] = value
    text = json.dumps(record).replace("Infinity", "1e400")  # how a file can hold infinity
    (tmp_path / "demo.json").write_text(text)
    with pytest.raises(store.StaleResult, match=message):
        store.load("demo", tmp_path)


def test_the_committed_gpu_record_is_valid_and_unedited():
    record = store.load("speed-gpu", ROOT / "docs" / "records")
    assert record["name"] == "speed" and record["outputs_hash"] == store.outputs_hash(record)


@dataclass(frozen=True)
class FakeConfig:
    profile: str = "smoke"
    n: int = 1
    datasets: tuple[str, ...] = ()


class FakeExperiment:
    """Counts its runs; its config comes from one the test can change."""

    READS = ("experiments/harness/runner.py",)
    config = FakeConfig()
    runs = 0

    @classmethod
    def make_config(cls, profile, context):
        return cls.config

    @classmethod
    def run(cls, config, context):
        cls.runs += 1
        return {"rows": [{"n": config.n}]}


@pytest.fixture
def fake(monkeypatch):
    """The fake experiment, registered, with a presenter that draws one figure per ``n``."""
    monkeypatch.setattr(FakeExperiment, "config", FakeConfig())
    monkeypatch.setattr(FakeExperiment, "runs", 0)
    monkeypatch.setitem(runner.EXPERIMENTS, "fake", FakeExperiment)
    presenter = ModuleType("fake")

    def figures(record):
        from comparison.report.figures import new_figure

        figure, ax = new_figure()
        ax.plot([0, 1], [0, record["rows"][0]["n"]])
        yield f"fake-{record['rows'][0]['n']}", figure

    presenter.figures = figures
    monkeypatch.setitem(PAGES, "fake", presenter)

    def run(folder, force=False):
        return runner.run_experiments(["fake"], "smoke", Context(progress=False), folder,
                                      force)[0]["status"]
    return run


def test_runner_skips_current_results_and_reruns_stale_ones(tmp_path, fake):
    assert fake(tmp_path) == "ran"
    assert fake(tmp_path) == "up to date"
    FakeExperiment.config = FakeConfig(n=2)  # the inputs changed
    assert fake(tmp_path) == "ran"
    record = json.loads((tmp_path / "fake.json").read_text())
    record["schema_version"] = 0  # written by an older version of the code
    (tmp_path / "fake.json").write_text(json.dumps(record))
    assert fake(tmp_path) == "ran"
    assert FakeExperiment.runs == 3
    assert "commit" in json.loads((tmp_path / "fake.json").read_text())["provenance"]


@pytest.mark.parametrize("content", [b"null", b"[]", b"\xff\xfe", b'{"rows": []}'])
def test_runner_reruns_a_damaged_result(tmp_path, fake, content):
    assert fake(tmp_path) == "ran"
    (tmp_path / "fake.json").write_bytes(content)
    assert fake(tmp_path) == "ran"
    store.load("fake", tmp_path)


def test_json_csv_and_figures_are_one_unit(tmp_path, fake, monkeypatch):
    """Killed while its figures are drawn, a run leaves the previous unit whole (or nothing):
    never a new JSON beside old figures, and the next run runs again."""
    assert fake(tmp_path) == "ran"
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [
        "fake-1-dark.svg", "fake-1-light.svg"]
    before = (tmp_path / "fake.json").read_bytes()
    FakeExperiment.config = FakeConfig(n=2)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    render = report_figures.render
    monkeypatch.setattr(report_figures, "render", killed)
    with pytest.raises(KeyboardInterrupt):
        fake(tmp_path)
    assert (tmp_path / "fake.json").read_bytes() == before  # the old unit, untouched
    assert not (tmp_path / "figures" / "fake-2-light.svg").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    monkeypatch.setattr(report_figures, "render", render)  # the next run draws again
    assert fake(tmp_path) == "ran"
    record = store.load("fake", tmp_path)
    assert record["rows"] == [{"n": 2}]
    # the new figures replaced the old ones, which are gone
    assert record["figure_files"] == ["fake-2-dark.svg", "fake-2-light.svg"]
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == record["figure_files"]


def test_a_run_killed_before_its_first_result_leaves_no_json(tmp_path, fake, monkeypatch):
    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_figures, "render", killed)
    with pytest.raises(KeyboardInterrupt):
        fake(tmp_path)
    assert not (tmp_path / "fake.json").exists() and not (tmp_path / "fake.csv").exists()


def test_the_inputs_hash_covers_the_data(monkeypatch):
    """Other data (other checksums), other hash; no data named, no dependence on it."""
    before = store.inputs_hash([], {"n": 1}, ["mnist"])
    spec = data.SPECS["mnist"]
    changed = dict(spec.sha256) | {data.TRAIN_LABELS: "0" * 64}
    monkeypatch.setitem(data.SPECS, "mnist", replace(spec, sha256=changed))
    assert store.inputs_hash([], {"n": 1}, ["mnist"]) != before
    assert store.inputs_hash([], {"n": 1}, []) == store.inputs_hash([], {"n": 1}, [])


def test_the_inputs_hash_covers_every_implementation_and_the_config():
    for name, module in runner.EXPERIMENTS.items():
        hashed = {p.relative_to(store.PACKAGE).as_posix()
                  for p in inputs.experiment_files(module.__name__, module.READS)}
        own = module.__file__.removeprefix(str(store.PACKAGE) + "/")
        assert own in hashed, name
        for folder in ("scratch", "torch", "keras", "jax", "data"):
            assert any(p.startswith(folder + "/") for p in hashed), (name, folder)
    assert store.inputs_hash([], {"n": 1}, []) != store.inputs_hash([], {"n": 2}, [])
