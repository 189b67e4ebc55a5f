"""Machine records (issue 27): the format and its checks, the protocol-version rule, merging
records made elsewhere, ``compare``, and the pages with zero, one and several records."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from test_cli import run_cli

from comparison import stats
from comparison.report import machines as across
from comparison.report import site as site_module
from comparison.report.site import Site
from comparison.results import machines, store
from tests.conftest import typed_records

FIXTURES = Path(__file__).parent / "fixtures" / "quick-run"
ROOT = Path(__file__).resolve().parents[1]


def run(argv: list, capsys) -> tuple[int, str, str]:
    return run_cli([str(a) for a in argv], capsys)


def fixture(name: str, **changes) -> dict:
    """A stored quick-run result, changed and re-hashed as a run that wrote it would have."""
    record = json.loads((FIXTURES / f"{name}.json").read_text()) | changes
    return record | {"outputs_hash": store.outputs_hash(record)}


def full_results(cpu: str = "AMD EPYC") -> dict[str, dict]:
    speed = fixture("speed", profile="full")
    speed["provenance"] = speed["provenance"] | {"cpu": cpu}
    speed["outputs_hash"] = store.outputs_hash(speed)
    return {"speed": speed, "convergence": fixture("convergence", profile="full")}


def test_the_protocol_fingerprint_matches_the_timing_code():
    """Changing how times are taken or judged must be a decision: if this fails, bump
    PROTOCOL_VERSION when the change makes old records incomparable, then set the
    fingerprint to the value printed."""
    assert machines.protocol_fingerprint() == machines.PROTOCOL_FINGERPRINT, (
        f"timing protocol changed: {machines.protocol_fingerprint()}")


def test_a_record_is_named_by_its_machine_and_checked_on_load(tmp_path):
    record = machines.make(full_results("Intel(R) Xeon(R) CPU @ 2.20GHz"), "abc")
    assert record["name"] == "intel-xeon-2cpu-scipy-openblas"
    path = tmp_path / f"{record['name']}.json"
    path.write_text(json.dumps(record))
    assert machines.load(path)["results"]["speed"]["profile"] == "full"
    edited = copy.deepcopy(record)
    edited["results"]["speed"]["comparisons"][0]["ratio"] = 0.01
    for damaged, why in ((edited, "edited by hand"),
                         (record | {"format": 99}, "format 99"),
                         (record | {"name": "../x"}, "not a plain"),
                         ([1, 2], "not a JSON object")):
        path.write_text(json.dumps(damaged))
        with pytest.raises(machines.RecordError, match=why):
            machines.load(path)


def test_only_a_full_run_is_recorded():
    results = full_results() | {"speed": fixture("speed")}
    with pytest.raises(machines.RecordError, match="needs the full one"):
        machines.make(results, "abc")
    with pytest.raises(machines.RecordError, match="no current convergence"):
        machines.make({"speed": full_results()["speed"]}, "abc")


def records_folder(tmp_path: Path, *cpus: str, protocol: int | None = None) -> Path:
    folder = tmp_path / "machines"
    folder.mkdir(exist_ok=True)
    for cpu in cpus:
        record = machines.make(full_results(cpu), "abc")
        if protocol is not None:
            record = record | {"protocol_version": protocol}
            record["outputs_hash"] = store.outputs_hash(record)
        (folder / f"{record['name']}.json").write_text(json.dumps(record))
    return folder


def test_a_record_of_another_protocol_is_shown_flagged_and_counted_nowhere(tmp_path):
    recorded = across.read(machines.load_all(records_folder(tmp_path, "Old CPU", protocol=0)))
    stored = {"speed": fixture("speed"), "convergence": fixture("convergence")}
    build = typed_records(stored)
    table = across.outcomes_table(build, recorded, across.build_machine(stored))
    assert "other protocol" in table and "this build (AMD EPYC, 2 CPUs, scipy-openblas" in table
    total = points(stored["speed"])  # the record holds this build's own results
    assert f"| — | the same in {total} of {total}; none contradict |" in table
    claim = across.machine_claims()[0]
    assert across.agreement(claim, build, recorded) == ""
    recorded |= across.read(machines.load_all(records_folder(tmp_path, "New CPU")))
    assert "of 2 runs: this build and 1 machine record" in across.agreement(claim, build,
                                                                           recorded)


def test_a_record_whose_results_the_code_cannot_read_is_refused_naming_it(tmp_path):
    record = machines.make(full_results(), "abc")
    record["results"]["speed"]["rows"][0]["median_s"] = "fast"
    record["results"]["speed"]["outputs_hash"] = store.outputs_hash(record["results"]["speed"])
    record["outputs_hash"] = store.outputs_hash(record)
    with pytest.raises(machines.RecordError, match=r"amd-epyc-2cpu-scipy-openblas does not "
                                                   r"have the shape .*rows\[0\]\.median_s"):
        across.read({record["name"]: machines.check(record, "x")})


def test_merge_checks_every_record_before_copying_any(tmp_path, capsys):
    made = records_folder(tmp_path, "Chip One", "Chip Two")
    out = tmp_path / "out"
    code, stdout, _ = run(["record", "--merge", *sorted(made.iterdir()), "--out-dir", out],
                              capsys)
    assert code == 0 and sorted(p.name for p in out.iterdir()) == [
        "chip-one-2cpu-scipy-openblas.json", "chip-two-2cpu-scipy-openblas.json"]
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{}")
    fresh = tmp_path / "fresh"
    code, _, err = run(["record", "--merge", *sorted(made.iterdir()), damaged,
                            "--out-dir", fresh], capsys)
    assert code == 2 and "damaged.json is not a machine record" in err
    assert not fresh.exists()


def folder_of(tmp_path: Path, name: str, **changed: dict) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES, folder)
    for result, record in changed.items():
        (folder / f"{result}.json").write_text(json.dumps(record))
    return folder


def test_compare_prints_the_claims_that_differ_and_exits_non_zero(tmp_path, capsys):
    code_result = fixture("code")
    more = fixture("code", totals=code_result["totals"] | {"scratch": 1, "torch": 50,
                                                            "keras": 50})
    a, b = folder_of(tmp_path, "a"), folder_of(tmp_path, "b", code=more)
    status, out, _ = run(["compare", a, b], capsys)
    assert status == 1
    assert "differs: A framework gets a model running with less code." in out
    assert "1 of " in out.splitlines()[-1]
    status, out, _ = run(["compare", a, folder_of(tmp_path, "c")], capsys)
    assert status == 0 and out.splitlines()[-1].startswith("0 of ")


def points(speed: dict) -> int:
    """How many comparisons a stored speed result makes, each point once (the two sweeps share
    one)."""
    return len({(c["a"], c["b"], c["sweep"] == "conv", c["batch_size"], c["width"])
                for c in speed["comparisons"]})


def moved(speed: dict, index: int, ratio: float, low: float, high: float) -> dict:
    """A copy of a speed result with one comparison's ratio, interval and outcome moved."""
    comparisons = copy.deepcopy(speed["comparisons"])
    comparisons[index] |= {"ratio": ratio, "low": low, "high": high,
                           "outcome": stats.outcome(low, high)}
    return fixture("speed", comparisons=comparisons)


def test_compare_counts_the_speed_comparisons_that_agree_and_names_each_contradiction(
        tmp_path, capsys):
    """Decided in one run and tied in the other is no contradiction while the intervals
    overlap; intervals that do not overlap are, and compare names them."""
    speed = fixture("speed")
    first = speed["comparisons"][0]  # slower: its interval lies above 1
    a = folder_of(tmp_path, "a")
    edge = folder_of(tmp_path, "edge", speed=moved(speed, 0, 1.2, 0.9, first["low"] + 0.1))
    status, out, _ = run(["compare", a, edge], capsys)
    total = points(speed)
    assert status == 0 and "contradicts" not in out
    assert (f"{total} speed comparisons made by both: the same outcome in {total - 1} "
            in out) and out.splitlines()[-2].endswith("do not overlap: 0")
    far = folder_of(tmp_path, "far", speed=moved(speed, 0, 0.5, 0.4, 0.6))
    status, out, _ = run(["compare", a, far], capsys)
    assert status == 0 and out.splitlines()[-2].endswith(
        "faster in one and slower in the other: 1; intervals that do not overlap: 1")
    assert (f"contradicts: batch sweep, torch float64 / scratch float64 at mini-batch 10, "
            f"width 30: {a}: {first['ratio']:.3f}") in out and "0.500 [0.400-0.600] faster" in out


def test_compare_reads_a_machine_record_and_refuses_nonsense(tmp_path, capsys):
    folder = records_folder(tmp_path, "AMD EPYC")
    record = next(folder.iterdir())
    status, out, _ = run(["compare", FIXTURES, record], capsys)
    assert status in (0, 1) and "claims judged on both differ" in out
    status, _, err = run(["compare", tmp_path / "nowhere", record], capsys)
    assert status == 2 and "neither a results folder nor a machine record" in err


@pytest.mark.parametrize("cpus", [(), ("Chip One",), ("Chip One", "Chip Two", "Chip Three")])
def test_the_pages_show_zero_one_or_several_machines(tmp_path, monkeypatch, cpus):
    build = {name: json.loads(p.read_text()) for name, p in
             ((p.stem, p) for p in FIXTURES.glob("*.json"))}
    monkeypatch.setattr(site_module, "current_results", lambda results, *names: build)
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(ROOT / "docs" / "records" / "speed-gpu.json", records)
    if cpus:
        shutil.move(str(records_folder(tmp_path, *cpus)), records / "machines")
    page = (ROOT / "docs" / "performance.md").read_text()
    across_section = page[page.index("## Across machines"):page.index("## On a GPU")]
    site = Site.load(tmp_path / "results", records)
    try:
        performance = site.page(across_section, "performance.md")
        home = site.page("<!-- result:table verdicts -->", "index.md")
    finally:
        site.close()
    if not cpus:
        assert "No machine is recorded yet" in performance
        assert "machine record" not in home
    else:
        assert all(f"chip-{n}-2cpu" in performance for n in ("one", "two", "three")[:len(cpus)])
        assert f"of {len(cpus) + 1} runs: this build and {len(cpus)} machine" in home
        assert "machines-ratios-light.svg" in performance
