"""The speed experiment: its timing protocol and rule, thread control, the machine record, a
smoke run end to end, and the presenters (for a new record and for the old GPU record)."""

import copy
import json
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info

from comparison import stats
from comparison.experiments import speed
from comparison.experiments.harness import machine, timing
from comparison.experiments.harness.context import Context
from comparison.experiments.speed import plan
from comparison.experiments.speed import probes as speed_probes
from comparison.experiments.speed import split as speed_split
from comparison.experiments.speed.result import PerStep, Result
from comparison.report import gpu, lint
from comparison.report import speed as report
from comparison.results import typed
from comparison.results.read import typed_result
from tests.conftest import fixture_record

GPU_RECORD = Path(__file__).resolve().parents[1] / "docs" / "records" / "speed-gpu.json"


def test_asking_for_cuda_times_the_gpu_against_the_float32_cpu_paths(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "Some GPU")
    paths = speed.make_config("smoke", Context(device="cuda")).paths
    assert "torch CUDA float32" in paths and "scratch float32" in paths
    assert "scratch float64" not in paths and "torch.compile float32" not in paths
    assert "scratch float64" in speed.make_config("smoke", Context(device="auto")).paths


def test_a_gpu_record_times_only_the_two_sweeps(monkeypatch):
    """What a GPU record does not need (threads, conv, split, fresh processes) is left out, so
    that it fits a 15-minute loan of a GPU machine."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "Some GPU")
    config = speed.make_config("full", Context(device="cuda"))
    sweeps = {sweep for found in plan.plan(config).values() for sweep in found}
    assert sweeps == {"batch", "width", "noise"} and config.probe_repeats == 0
    assert "threads" in {sweep for found in plan.plan(speed.make_config(
        "full", Context(device="auto"))).values() for sweep in found}


def noisy(ratio: float, rounds: int = 9) -> tuple[list[float], list[float]]:
    """Times of A and B: B drifts from round to round (as on a busy machine), A = B x ratio,
    3% above or below it in turn."""
    b = 1.0 + np.random.default_rng(0).random(rounds)
    return list(b * ratio * (1 + 0.03 * np.resize([1, -1], rounds))), list(b)


@pytest.mark.parametrize("ratio, expected", [(0.5, "faster"), (2.0, "slower"), (1.0, "tied")])
def test_the_paired_ratio_decides_faster_slower_or_tied(ratio, expected):
    a, b = noisy(ratio)
    found = stats.paired_ratio(a, b)
    assert stats.decided(found) == expected
    assert found.low <= found.median <= found.high
    # Unpaired, the round-to-round drift would swamp the 2x: B's own range spans 1 to 2.
    assert stats.median_interval(b).high / stats.median_interval(b).low > 1.5


def test_intervals_are_order_statistics_with_their_true_coverage():
    assert stats.MIN_SAMPLES == 6  # the fewest samples whose range covers the median at 95%
    six = stats.median_interval([5, 1, 3, 2, 6, 4])
    assert (six.median, six.low, six.high) == (3.5, 1, 6) and six.coverage == 1 - 2 / 64
    nine = stats.median_interval(range(1, 10))
    assert (nine.low, nine.high) == (2, 8) and nine.coverage >= stats.CONFIDENCE
    three = stats.paired_ratio([1, 1, 1], [2, 2.1, 2.2])  # all below 1, but only 3 rounds
    assert three.high < 1 and three.coverage == 0.75 and stats.decided(three) == "tied"


def test_outcome_needs_the_whole_interval_on_one_side_of_one():
    assert stats.outcome(0.8, 0.99) == "faster"
    assert stats.outcome(1.01, 1.3) == "slower"
    assert stats.outcome(0.9, 1.1) == stats.outcome(0.99, 1.0) == "tied"


@pytest.mark.parametrize("outcomes, expected", [
    (["slower", "faster", "tied", "faster"], 100),  # a tie breaks the run of wins
    (["faster", "faster", "faster", "faster"], 10),
    (["faster", "tied", "faster", "faster"], 50),
    (["faster", "faster", "faster", "tied"], None),  # not ahead at the largest point
    (["tied", "tied", "tied", "tied"], None),
])
def test_ahead_from_is_the_start_of_the_last_run_of_wins(outcomes, expected):
    assert stats.ahead_from([10, 20, 50, 100], outcomes) == expected


def test_rounds_visit_every_job_once_in_a_fresh_seeded_order_with_twins_apart():
    schedule = timing.shuffled_rounds(20, 6, seed=3, twins={19: 4})
    assert all(sorted(order) == list(range(20)) for order in schedule)
    assert len({tuple(order) for order in schedule}) == 6, "every round shuffled afresh"
    assert schedule == timing.shuffled_rounds(20, 6, seed=3, twins={19: 4})
    assert schedule != timing.shuffled_rounds(20, 6, seed=4, twins={19: 4})
    for order in schedule:
        apart = abs(order.index(19) - order.index(4))
        assert min(apart, 20 - apart) >= 8, "the twin runs about half a round away"


def test_settle_waits_while_another_thread_of_this_process_works():
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))
    worker = threading.Thread(target=spin)
    worker.start()
    try:
        start = time.perf_counter()
        assert not timing.settle(limit=0.2), "a busy thread is not quiet"
        assert time.perf_counter() - start >= 0.2
    finally:
        stop.set()
        worker.join()
    start = time.perf_counter()
    assert timing.settle(limit=0.2)
    assert time.perf_counter() - start < 0.1, "a quiet process waits one window or so"


def test_a_sample_that_began_unsettled_is_counted(monkeypatch):
    monkeypatch.setattr(timing, "settle", lambda: False)
    jobs = [timing.Job("a", lambda: None, threads=1)]
    timing.time_rounds(jobs, 3, seed=0, use_threads=lambda n: None)
    assert len(jobs[0].times) == 3 and jobs[0].unsettled == 3


def test_time_rounds_keeps_one_sample_per_round_per_job():
    calls = []
    jobs = [timing.Job(name, lambda name=name: calls.append(name), threads=1)
            for name in "abc"]
    timing.warm_up(jobs, lambda n: None)
    assert calls == ["a", "b", "c"], "one untimed call each"
    timing.time_rounds(jobs, 4, seed=0, use_threads=lambda n: None)
    assert all(len(job.times) == 4 and min(job.times) > 0 for job in jobs)
    rounds = [calls[3 + 3 * k: 6 + 3 * k] for k in range(4)]
    assert all(sorted(r) == ["a", "b", "c"] for r in rounds)


def test_the_thread_sweep_doubles_up_to_the_usable_cpus():
    assert speed.thread_counts(1) == [1] and speed.thread_counts(2) == [1, 2]
    assert speed.thread_counts(6) == [1, 2, 4, 6]
    assert speed.thread_counts(16) == [1, 2, 4, 8, 16]


def test_thread_pools_are_set_recorded_and_restored():
    before = torch.get_num_threads()
    with machine.Threads(1) as threads:
        assert torch.get_num_threads() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
        record = threads.record()
        assert record["torch_intra_op"] == 1 and all(p["threads"] == 1 for p in record["pools"])
        threads.use(2)
        assert torch.get_num_threads() == 2
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("files, quota", [({"cpu.max": "150000 100000\n"}, 1.5),
                                          ({"cpu.max": "max 100000\n"}, None),
                                          ({"cpu/cpu.cfs_quota_us": "200000",
                                            "cpu/cpu.cfs_period_us": "100000"}, 2.0),
                                          ({"cpu/cpu.cfs_quota_us": "-1",
                                            "cpu/cpu.cfs_period_us": "100000"}, None),
                                          ({}, None)])
def test_the_cgroup_quota_caps_the_usable_cpus(tmp_path, files, quota):
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    assert machine.cgroup_quota(tmp_path) == quota
    usable = machine.usable_cpus(tmp_path)
    affinity = len(usable["affinity"])
    assert usable["usable"] == (affinity if quota is None else max(1, min(affinity, int(quota))))


def snapshot(others: float, total: int, steal: int) -> dict:
    return {"others_share": others, "load_average": [0.1, 0.1, 0.1],
            "ticks": {"total": total, "idle": 0, "steal": steal}}


def test_a_busy_machine_says_why():
    quiet = machine.load_record(snapshot(0.1, 1000, 0), snapshot(0.2, 2000, 10))
    assert not quiet["busy"] and quiet["steal_share"] == 0.01
    busy = machine.load_record(snapshot(0.9, 1000, 0), snapshot(0.1, 2000, 100))
    assert busy["busy"] and len(busy["busy_reasons"]) == 2
    assert "before" in busy["busy_reasons"][0] and "stole 10%" in busy["busy_reasons"][1]


def test_cpu_ticks_read_only_the_usable_cpus(tmp_path):
    (tmp_path / "stat").write_text("cpu  9 9 9 9 9 9 9 9 0 0\n"
                                   "cpu0 1 0 1 5 1 0 0 2 0 0\ncpu1 1 0 1 7 0 0 0 0 0 0\n")
    assert machine.cpu_ticks([0], tmp_path) == {"total": 10, "idle": 6, "steal": 2}


def test_the_probe_times_an_import_in_a_fresh_process():
    seconds, after_import, peak = speed_probes.probe("scratch", 1)
    assert 0 < seconds < 30 and 0 < after_import <= peak
    assert after_import < 200, "only NumPy is loaded, not the whole package's libraries"


def test_a_smoke_run_takes_seconds_records_every_sample_and_renders(tiny, monkeypatch):
    """The NumPy and PyTorch paths on the tiny dataset, end to end, on one thread (the thread
    sweep then has one point; two threads on a machine whose other core is busy turn every
    PyTorch step into a wait for the other thread). The fresh processes are tested above."""
    monkeypatch.setattr(speed_probes, "probe", lambda impl, threads: (0.5, 100.0, 120.0))
    folder, _ = tiny
    context = Context(data_dir=str(folder), progress=False)
    config = replace(speed.make_config("smoke", context), threads=1,
                     paths=("book per-example (float64)", "scratch float64", "scratch float32",
                            "scratch tuned float32", "torch float64", "torch float32",
                            *speed.SPLIT_PATHS),
                     implementations=("scratch", "torch"))
    start = time.perf_counter()
    result = speed.run(config, context)
    assert time.perf_counter() - start < 60
    assert isinstance(result, Result) and result.config == config
    record = json.loads(json.dumps(typed.to_json(result) | {"name": "speed"}))
    assert typed.from_record(Result, record) == result, "the file reads back as the result"
    rounds = record["config"]["repeats"]
    ok = [r for r in record["rows"] if r["status"] == "ok"]
    assert ok and all(len(r["times_s"]) == rounds for r in ok)
    assert all(r["low_s"] <= r["median_s"] <= r["high_s"] for r in ok)
    assert {r["threads"] for r in ok if r["sweep"] == "threads"} == {1}
    assert record["machine"]["threads"]["set_to"] == 1
    assert record["machine"]["threads"]["torch_intra_op"] == 1
    assert {"others_share_before", "steal_share", "busy"} <= set(record["machine"]["load"])
    for c in record["comparisons"]:
        assert c["low"] <= c["ratio"] <= c["high"]
        assert c["outcome"] == "tied", "2 rounds can decide nothing"
    pairs = {(c["sweep"], c["a"], c["b"]) for c in record["comparisons"]}
    assert ("batch", "torch float32", "scratch float32") in pairs
    assert ("batch", "book per-example (float64)", "scratch float64") in pairs
    assert ("conv", "torch float32", "scratch float32") in pairs
    assert set(record["crossovers"]["batch:torch float32:scratch float32"]["points"]) == {10, 100}
    assert {n["path"] for n in record["noise_floor"]} == {"scratch float32", "torch float32"}
    assert record["gap"] and record["gap"][0]["torch"]["profiler_products_s"] > 0
    numpy_split = record["gap"][0]["numpy"]
    assert {"denormals", "allocation", "interaction", "tuned"} <= set(numpy_split)
    assert all(0 <= share <= 1 for share in numpy_split["subnormals"].values())
    assert "denormals" in record["gap"][0]["torch"]
    assert ("width", "torch float32", "scratch tuned float32") in pairs
    assert not any(r["path"] in speed.SPLIT_PATHS for r in record["rows"]
                   if r["sweep"] != "split"), "one habit at a time is timed at the split only"
    assert set(record["imports"]) == {"scratch", "torch"}
    for name, table in report.TABLES.items():
        assert table(result).startswith("|"), name
    quotes = report.quotes(result)
    assert "tied within noise" in quotes["batch_crossover_f32"]
    assert "[" in quotes["torch_vs_scratch_b10"], "every ratio carries its interval"
    assert any("rounds" in flag for flag in report.noise_flags(record))
    assert [figure for figure, _ in report.figures(result)] == [
        "speed-ratios", "speed-batch", "speed-width", "speed-threads", "speed-gap"]
    quiet = copy.deepcopy(record)
    quiet["machine"]["load"]["busy_reasons"] = []
    quiet["noise_floor"] = [n | {"agree": True} for n in quiet["noise_floor"]]
    quiet["machine"]["recompiled_during_timing"] = 0
    quiet["config"]["repeats"] = stats.MIN_SAMPLES
    quiet["machine"]["unsettled_samples"] = 0
    assert report.noise_flags(quiet) == []
    unsettled = copy.deepcopy(quiet)
    unsettled["machine"]["unsettled_samples"] = 3
    assert ["3 samples began" in flag for flag in report.noise_flags(unsettled)] == [True]
    assert not [v for v in report.quotes(typed_result("speed", quiet)).values()
                if lint.missing(v)], "a quiet run's quotes read as numbers the lint accepts"
    # the answer boxes: the machine, then the noise floor said once
    said = report.quotes(typed_result("speed", quiet))["flags"]
    assert said.startswith("The machine was quiet. ") and said.endswith("agreed at both points.")
    apart = copy.deepcopy(quiet)
    apart["noise_floor"][1]["agree"] = False
    said = report.quotes(typed_result("speed", apart))["flags"]
    assert said.count("noise floor") == 1 and "disagreed at 1 of 2 points: torch float32" in said


def test_the_old_gpu_record_reads_back_renders_and_says_it_has_no_intervals():
    record = json.loads(GPU_RECORD.read_text())
    recorded = typed_result("speed", record | {"current": False})
    result = recorded.result
    assert typed.to_json(result) == {k: v for k, v in record.items() if k not in typed.ENVELOPE}
    assert not result.new_protocol and result.machine is None and not recorded.current
    assert report.noise_flags(record) == [report.OLD_PROTOCOL + "."]
    assert report.speed_noise(result) == report.OLD_PROTOCOL
    assert "(min–max" in report.speed_sweep(result, "batch")
    quotes = gpu.gpu_quotes(recorded)
    assert "old protocol" in quotes["protocol"] and "(median)" in quotes["best"]
    points = {(r["batch_size"], r["width"]) for r in record["rows"] if "CUDA" in r["path"]
              and r["path"].startswith("torch")}
    assert quotes["faster_at"].endswith(f" of {len(points)}"), "the shared point counts once"
    note = quotes["cpu_rows_note"]
    assert "width 3000" in note and "16 intra-op threads" in note and "unexplained" in note
    assert [figure for figure, _ in report.figures(result)] == ["speed-batch", "speed-width"]


def test_a_gpu_record_with_samples_decides_by_the_paired_rule():
    stored = typed_result("speed", fixture_record("speed"))

    def row(path, times):
        return replace(stored.rows[0], sweep="batch", path=path, batch_size=100, width=30,
                       times_s=tuple(times), median_s=float(np.median(times)), examples=1000,
                       seconds_per_epoch=float(np.median(times)) * 50)

    gpu_times, cpu_times = noisy(0.5)
    found = gpu.gpu_speedups(replace(stored, rows=(row("scratch float32", cpu_times),
                                                   row("torch CUDA float32", gpu_times))))
    assert found[0].outcome == "faster" and found[0].low > 1


def test_flushing_subnormals_zeroes_numpys_tiny_results_in_this_thread_only_inside():
    tiny = np.full(4, 1e-30, dtype=np.float32)
    with machine.flush_denormals():
        flushed = tiny * np.float32(1e-9)  # 1e-39: below float32's normal range
    kept = tiny * np.float32(1e-9)
    assert (flushed == 0).all() and (kept > 0).all()


def _timed(times: list[float]) -> SimpleNamespace:
    return SimpleNamespace(job=SimpleNamespace(times=times), steps=2)


@pytest.mark.parametrize(("tuned", "adds_up"), [([7.0, 7.1, 6.9, 7.0, 7.0, 7.1, 6.9], True),
                                                ([5.0, 5.1, 4.9, 5.0, 5.0, 5.1, 4.9], False)])
def test_the_habits_split_the_step_and_say_whether_they_add_up(tuned, adds_up):
    """Plain 10 per sample, subnormals flushed 8, in place 9: the parts predict a tuned 7."""
    rounds = len(tuned)
    steps = {"scratch float32": _timed([10.0] * rounds),
             "scratch float32 FTZ": _timed([8.0] * rounds),
             "scratch in-place float32": _timed([9.0] * rounds),
             speed.TUNED: _timed(tuned)}
    split = speed_split.habits(steps)
    assert split["denormals"]["s"] == pytest.approx(1.0)  # per step: 2 of 2 steps
    assert split["allocation"]["s"] == pytest.approx(0.5)
    assert typed.from_json(PerStep, split["interaction"]).adds_up is adds_up
