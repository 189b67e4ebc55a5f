"""The speed experiment's GPU record and the verdict drawn from it."""

import torch

from comparison.experiments import speed
from comparison.experiments.context import Context
from comparison.report import verdicts


def gpu_record(cpu_s: list[float], gpu_s: list[float]) -> dict:
    """A speed result with a CPU and a GPU path at mini-batches 10, 100 and 1000."""
    rows = [{"sweep": "batch", "path": path, "batch_size": b, "width": 30, "status": "ok",
             "seconds_per_epoch": s, "median_s": s, "min_s": s, "max_s": s, "examples": 50_000}
            for path, times in (("scratch float32", cpu_s), ("torch CUDA float32", gpu_s))
            for b, s in zip((10, 100, 1000), times)]
    provenance = {"torch": "x", "date_utc": "2026-01-01T00:00", "cpu": "c", "logical_cpus": 4}
    return {"rows": rows, "config": {"gpu": "Some GPU"}, "provenance": provenance}


def test_gpu_verdict_follows_the_recorded_speed_ups():
    cpu_only = {"speed": {"config": {"gpu": None}}}
    assert verdicts.gpu(cpu_only)[0] == "not measured"
    verdict, number = verdicts.gpu(cpu_only | {"speed-gpu": gpu_record([1, 1, 1], [4, 2, 0.5])})
    assert verdict == "qualified" and "from mini-batch 1000" in number and "2.0x at" in number
    assert verdicts.gpu(cpu_only | {"speed-gpu": gpu_record([1, 1, 1], [2, 2, 2])})[0] == "refuted"
    assert verdicts.gpu(cpu_only | {"speed-gpu": gpu_record([1, 1, 1], [.5, .5, .5])})[0] \
        == "supported"


def test_asking_for_cuda_times_the_gpu_against_the_float32_cpu_paths(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "Some GPU")
    paths = speed.make_config("smoke", Context(device="cuda")).paths
    assert "torch CUDA float32" in paths and "scratch float32" in paths
    assert "scratch float64" not in paths and "torch.compile float32" not in paths
    assert "scratch float64" in speed.make_config("smoke", Context(device="auto")).paths
