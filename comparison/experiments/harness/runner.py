"""Run experiments whose inputs changed, store their results, render their figures."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import ModuleType

from comparison.experiments import EXPERIMENTS
from comparison.experiments.harness.context import Context
from comparison.results import inputs, machines, store, typed
from comparison.results.provenance import provenance


def inputs_hash(module: ModuleType, config: dict) -> str:
    """What the result of ``module`` run with ``config`` (as stored) depends on: the code it
    imports and ``READS``, the config and the data."""
    files = inputs.experiment_files(module.__name__, module.READS)
    return store.inputs_hash(files, config, config["datasets"])


# A first run's estimate, per experiment, until one has run here: seconds each took on a
# 2-core AMD EPYC (December 2026; quick: CI's run, full: a quiet full run).
TYPICAL_SECONDS = {
    "smoke": {},
    "quick": {"book": 16, "speed": 65, "convergence": 15, "code": 1, "equivalence": 12,
              "scalability": 14, "flexibility": 24, "tooling": 7, "debugging": 11},
    "full": {"book": 1677, "speed": 569, "convergence": 522, "code": 1, "equivalence": 48,
             "scalability": 62, "flexibility": 160, "tooling": 28, "debugging": 48},
}
UNKNOWN_SECONDS = 30.0  # an experiment without a typical time yet (the smoke profile's)
Figures = Callable[[object, Path], list[str]]  # (a result, a folder) -> the figures written


def run_experiments(
    names: list[str], profile: str, context: Context, results: Path, force: bool = False
) -> list[dict]:
    """Run each named experiment unless its stored result is current; return a summary.

    Progress: one line per experiment with the time elapsed and an estimate of the time
    left ("[2/4] running speed (quick profile): 1 min 5 s so far, about 3 min left"), a bar
    within each.
    """
    summary, pending = [], []
    for name in names:
        config = EXPERIMENTS[name].make_config(profile, context)
        digest = inputs_hash(EXPERIMENTS[name], asdict(config))
        if not force and _is_current(name, results, digest):
            summary.append({"experiment": name, "status": "up to date", "seconds": 0.0})
        else:
            pending.append((name, config, digest, _expected_seconds(name, profile, results)))
    # What saving needs (each page's figures) is imported before any long work: a page
    # module that cannot be imported fails now, not after an hour of measurements, and
    # edits to the files on disk meanwhile cannot reach the run.
    figures = {name: _figures(name) for name, *_ in pending}
    begin = time.perf_counter()
    for position, (name, config, digest, _) in enumerate(pending, start=1):
        elapsed = time.perf_counter() - begin
        left = sum(expected for *_, expected in pending[position - 1:])
        print(f"[{position}/{len(pending)}] running {name} ({profile} profile): "
              f"{_duration(elapsed)} so far, about {_duration(left)} left", flush=True)
        summary.append(_run_one(name, profile, config, digest, context, results, figures[name]))
    return summary


def _is_current(name: str, results: Path, digest: str) -> bool:
    try:
        store.load(name, results, digest)
    except store.StaleResult:
        return False
    return True


def _run_one(name: str, profile: str, config: object, digest: str, context: Context,
             results: Path, figures: Figures | None) -> dict:
    """Run one experiment and store its result; its line of the summary."""
    stored = asdict(config)
    start = time.perf_counter()
    result = EXPERIMENTS[name].run(config, context)
    seconds = time.perf_counter() - start
    record = {"inputs_hash": digest, "profile": profile, "config": stored,
              "provenance": provenance(profile=profile, seeds=_seeds(stored),
                                       wall_seconds=round(seconds, 1),
                                       workers=context.workers,
                                       # a record from another machine counts while this
                                       # stays the same (``machines.same_protocol``)
                                       timing_protocol=machines.PROTOCOL_VERSION),
              **typed.to_json(result)}
    draw = None if figures is None else functools.partial(figures, result)
    store.save(name, record, results, draw=draw)
    return {"experiment": name, "status": "ran", "seconds": seconds}


def _expected_seconds(name: str, profile: str, results: Path) -> float:
    """How long ``name`` took last time in this profile here (its stored result, even a
    stale one, says), else the profile's typical time."""
    try:
        previous = store.load(name, results)["provenance"]
        if previous.get("profile") == profile:
            return float(previous["wall_seconds"])
    except (store.StaleResult, KeyError, TypeError, ValueError):
        pass
    return float(TYPICAL_SECONDS[profile].get(name, UNKNOWN_SECONDS))


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _figures(name: str) -> Figures | None:
    """What writes the figures of experiment ``name``'s result into a folder (the store calls
    it with its staging folder, so that they are written as one unit with the JSON), or None
    if the result has none."""
    from comparison.report.figures import render
    from comparison.report.pages import presenter

    plots = getattr(presenter(name), "figures", None)
    return None if plots is None else functools.partial(render, plots)


def _seeds(config: dict) -> list[int]:
    base = config.get("base_seed", config.get("seed", 0))
    return list(range(base, base + config.get("seeds", 1)))


def print_summary(summary: list[dict], results: Path) -> None:
    print(f"\n{'experiment':<12} {'status':<12} {'seconds':>8}")
    for row in summary:
        print(f"{row['experiment']:<12} {row['status']:<12} {row['seconds']:>8.1f}")
    print(f"results in {results}/")
