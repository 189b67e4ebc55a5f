"""Run experiments whose inputs changed, store their results, render their figures."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import ModuleType

from comparison.experiments import EXPERIMENTS
from comparison.experiments.context import Context
from comparison.results import store
from comparison.results.provenance import provenance


def inputs_hash(module: ModuleType, config: dict) -> str:
    """What the result of ``module`` run with ``config`` (as stored) depends on."""
    return store.inputs_hash(module.SOURCES, config, config["datasets"])


def run_experiments(
    names: list[str], profile: str, context: Context, results: Path, force: bool = False
) -> list[dict]:
    """Run each named experiment unless its stored result is current; return a summary.

    Progress: one line per experiment ("[2/4] running speed"), a bar within each.
    """
    summary = []
    for position, name in enumerate(names, start=1):
        module = EXPERIMENTS[name]
        config = module.make_config(profile, context)
        stored = asdict(config)
        digest = inputs_hash(module, stored)
        if not force:
            try:
                store.load(name, results, digest)
                summary.append({"experiment": name, "status": "up to date", "seconds": 0.0})
                continue
            except store.StaleResult:
                pass
        print(f"[{position}/{len(names)}] running {name} ({profile} profile)", flush=True)
        start = time.perf_counter()
        result = module.run(config, context)
        seconds = time.perf_counter() - start
        record = {"inputs_hash": digest, "profile": profile, "config": stored,
                  "provenance": provenance(profile=profile, seeds=_seeds(stored),
                                           wall_seconds=round(seconds, 1),
                                           workers=context.workers),
                  **result}
        store.save(name, record, results, draw=_drawer(name, record))
        summary.append({"experiment": name, "status": "ran", "seconds": seconds})
    return summary


def _drawer(name: str, record: dict) -> Callable[[Path], list[str]] | None:
    """What draws the figures of ``record`` into a folder (the store calls it, so that the
    figures are written as one unit with the JSON), or None if it has none."""
    from comparison.report.figures import render
    from comparison.report.pages import presenter

    plots = getattr(presenter(name), "figures", None)
    return None if plots is None else lambda folder: render(plots, record, folder)


def _seeds(config: dict) -> list[int]:
    base = config.get("base_seed", config.get("seed", 0))
    return list(range(base, base + config.get("seeds", 1)))


def print_summary(summary: list[dict], results: Path) -> None:
    print(f"\n{'experiment':<12} {'status':<12} {'seconds':>8}")
    for row in summary:
        print(f"{row['experiment']:<12} {row['status']:<12} {row['seconds']:>8.1f}")
    print(f"results in {results}/")
